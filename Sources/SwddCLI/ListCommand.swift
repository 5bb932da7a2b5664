import ArgumentParser
import SwddDisks
import SwddImage
import SwddSystem

/// `swdd list [--fs] [--json] [PATH…]`: disks and images as `fdisk -l` lists them.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List disks and images like fdisk -l.",
        discussion: """
            With no PATH, lists every whole disk the kernel knows (/proc/partitions), attached loop \
            devices included, skipping those that cannot be opened, as fdisk -l does.
            """)

    @Flag(name: .customLong("fs"), help: "Also show each partition's filesystem type, label and UUID.")
    var filesystems = false

    @Flag(help: "Print the facts as JSON.")
    var json = false

    @OptionGroup var keys: KeyOption

    @Argument(help: "Block devices or image files.")
    var paths: [String] = []

    func run() throws {
        let named = !paths.isEmpty
        let key = try keys.key()
        let targets: [String]
        if named {
            targets = paths
        } else {
            do {
                targets = try DiskInventory.wholeDisks()
            } catch {
                Self.complain("cannot open \(error.path ?? "/proc/partitions"): \(error.reason)")
                throw ExitCode(1)
            }
        }

        var failed = false
        var listed: [DiskDescription] = []
        for (index, path) in targets.enumerated() {
            let disk: DiskDescription
            do {
                // A swdd image is listed as the disk inside it.
                if named, let inside = try imageInside(path, key: key) {
                    disk = inside
                } else {
                    disk = try DiskExamination.examine(path, filesystems: filesystems)
                }
            } catch let failure as ImageFailure {
                Self.complain("cannot list \(path): \(failure.reason)")
                failed = true
                continue
            } catch let error as SystemError {
                // fdisk -l names every failure of a named target, but of the disks it found itself
                // only those it was refused (EACCES); the rest (e.g. EPERM in a container) are skipped.
                if named || error.code == .permissionDenied {
                    Self.complain("cannot open \(path): \(error.reason)")
                }
                if named { failed = true }
                continue
            } catch {
                continue  // the two throwing calls above throw only those two types
            }
            if json {
                listed.append(disk)
                continue
            }
            let output = FdiskListing.render(disk, filesystems: filesystems)
            // fdisk separates a listing from the one before with a blank line pair, counted by
            // argument position for named targets and by listings printed for found ones.
            let separated = named ? index > 0 : !listed.isEmpty
            Self.emit((separated ? "\n\n" : "") + output.text)
            if named { Self.emit(ImageListing.encryptionSection(forImage: path)) }
            if named && filesystems {
                Self.emit(UsedBlocksListing.section(forImage: path, key: key) + CheckRecordListing.section(forImage: path))
            }
            for warning in output.warnings { Self.complain("\(path): \(warning)") }
            listed.append(disk)
        }
        if json { Self.emit(DiskJSON.render(listed, filesystems: filesystems)) }
        if failed { throw ExitCode(1) }
    }

    /// An image that could not be read, as opposed to a device or file that could not be opened.
    struct ImageFailure: Error { var reason: String }

    private func imageInside(_ path: String, key: ImageKey?) throws(ImageFailure) -> DiskDescription? {
        do {
            return try ImageListing.examine(path, filesystems: filesystems, key: key)
        } catch {
            throw ImageFailure(reason: ImageCommandSupport.reason(error))
        }
    }

    /// Writes to standard output whole.
    static func emit(_ text: String) {
        FileDescriptor.standardOutput.writeAll(text)
    }

    /// One `swdd: …` line on standard error.
    static func complain(_ message: String) {
        FileDescriptor.standardError.writeAll("swdd: \(message)\n")
    }
}
