import ArgumentParser
import SwddDisks
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

    @Argument(help: "Block devices or image files.")
    var paths: [String] = []

    func run() throws {
        // A listing or report lost to a full disk or a closed pipe is an error, not exit 0.
        StandardStreams.checkAtExit(program: "swdd")
        let named = !paths.isEmpty
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
                disk = try DiskExamination.examine(path, filesystems: filesystems)
            } catch {
                // fdisk -l names every failure of a named target, but of the disks it found itself
                // only those it was refused (EACCES); the rest (e.g. EPERM in a container) are skipped.
                if named || error.code == .permissionDenied {
                    Self.complain("cannot open \(path): \(error.reason)")
                }
                if named { failed = true }
                continue
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
            for warning in output.warnings { Self.complain("\(path): \(warning)") }
            listed.append(disk)
        }
        if json { Self.emit(DiskJSON.render(listed, filesystems: filesystems)) }
        if failed { throw ExitCode(1) }
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
