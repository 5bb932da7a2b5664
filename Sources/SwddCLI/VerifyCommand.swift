import ArgumentParser
import SwddBackup
import SwddEngine
import SwddImage
import SwddRemote
import SwddSystem

/// `swdd verify IMAGE [TARGET]`: the image's structure, then every frame decoded and every block
/// checked against its recorded digest; with TARGET, also every block of the target read back
/// and compared with those digests. Writes nothing. Exit 0 intact (and equal), 4 damaged or
/// different, 1 unreadable.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every frame and block digest of an image, and a target against it, writing nothing.")

    @Argument(help: "The image file, or a repository (every image and every restore point).")
    var image: String

    @Argument(help: "A file or block device that should hold the image's bytes (read, never written).")
    var target: String?

    @Option(help: ArgumentHelp("With a repository: only this chain.", valueName: "name"))
    var name: String?

    @OptionGroup var remote: RemoteOptions

    @OptionGroup var keys: KeyOption

    @Flag(help: "Also run each partition's filesystem checker (e2fsck -n -f, fsck.vfat -n, fsck.exfat -n, xfs_repair -n) on the restore point through a FUSE overlay, restoring nothing.")
    var fsck = false

    @Option(help: ArgumentHelp("With --fsck and a repository: the restore point to check — latest (the default), an image id, or a time.", valueName: "time|id"))
    var at: String?

    @Option(help: ArgumentHelp("Decompression threads (default: the cores).", valueName: "N"))
    var threads: Int?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print the result as JSON on standard output.")
    var json = false

    func run() throws {
        let support = ImageCommandSupport.self
        let key = try keys.key()
        if fsck {
            if target != nil {
                support.complain("--fsck checks the image's filesystems; compare a target without it")
                throw ExitCode(2)
            }
            return try FilesystemVerification(location: image, at: at, name: name, threads: max(1, threads ?? ProcessorCount.online),
                                              quiet: quiet, json: json, key: key, remote: remote).run()
        }
        if at != nil {
            support.complain("--at picks the restore point --fsck checks; verify REPO checks every point")
            throw ExitCode(2)
        }
        let objectStore = ObjectLocation.isObjectStore(image)
        let objectRepository = try objectStore && BackupRepository.isRepository(ObjectStore(support.rclone(for: image, remote: remote)))
        if BackupRepository.isRepository(image) || RemoteLocation.isRemote(image) || objectRepository {
            if target != nil {
                support.complain("verify of a repository checks its images; to compare a target, restore --verify or verify one image")
                throw ExitCode(2)
            }
            return try RepositoryVerification(path: image, remote: remote, name: name, threads: max(1, threads ?? ProcessorCount.online), quiet: quiet, json: json,
                                              key: key).run()
        }
        let start = MonotonicClock.now()
        let line = StatusLine(enabled: !quiet && !json && FileDescriptor.standardError.isTerminal)
        support.onSignal { line.finish() }
        var layout: ImageLayout?
        do {
            let member: RestorePoint.Member
            if objectStore {
                let (rclone, name) = try support.objectImage(image, remote: remote)
                member = try ImageChainFiles.member(object: name, in: rclone, key: key)
            } else {
                member = try ImageChainFiles.member(opening: image, key: key)
            }
            defer { member.bytes.release() }
            let read = member.layout
            layout = read
            let counters = TransferCounters()
            let progress = support.startProgress(line, counters: counters, total: read.metadata.sourceSize, quiet: quiet || json)
            defer {
                progress?.stop()
                line.finish()
            }
            try ImageRestorer.verify(member, threads: max(1, threads ?? ProcessorCount.online), counters: counters)
            if let target {
                do {
                    try support.compare(read.metadata, target: target, threads: max(1, threads ?? ProcessorCount.online), counters: TransferCounters())
                } catch let mismatch as TargetMismatch {
                    throw TargetProblem(target: target, underlying: mismatch, differs: true)
                } catch let error as SourceEndedEarly {
                    throw TargetProblem(target: target, underlying: error, differs: true)
                } catch {
                    throw TargetProblem(target: target, underlying: error, differs: false)
                }
            }
        } catch let problem as TargetProblem {
            let reason = support.reason(problem.underlying)
            if json { FileDescriptor.standardOutput.writeAll(Self.json(image, intact: true, layout: layout, problem: reason, target: target, equal: false)) }
            support.complain("'\(problem.target)': \(reason)")
            throw ExitCode(problem.differs ? support.damaged : support.failed)
        } catch {
            let status: Int32 = (error as? ImageFormatError).map { support.status(for: $0) } ?? 1
            if json { FileDescriptor.standardOutput.writeAll(Self.json(image, intact: false, layout: layout, problem: support.reason(error))) }
            support.complain("'\(image)': \(support.reason(error))")
            throw ExitCode(status)
        }
        guard let layout else { return }
        if json {
            FileDescriptor.standardOutput.writeAll(Self.json(image, intact: true, layout: layout, problem: nil, target: target, equal: target != nil))
        } else if !quiet {
            let m = layout.metadata
            let unused = m.blockStates.filter { $0 == .unused }.count
            let matched = target.map { unused > 0 ? " '\($0)' holds the same bytes in every used block (\(unused) unused blocks not compared)."
                                                  : " '\($0)' holds the same bytes." } ?? ""
            let inherited = m.blockStates.filter { $0 == .inherited }.count
            let blocks = m.hasParent
                ? "\(m.blockCount - inherited) blocks checked (\(m.hash.name)), \(inherited) left to its parent \(ImageWriter.hex(m.parentID).prefix(12)) (\(m.kind.name) image)"
                : "\(m.blockCount) blocks checked (\(m.hash.name))"
            support.complain("'\(image)' is intact: \(ProgressLine.binarySize(m.sourceSize)) in \(layout.frames.count) frames, "
                             + "\(blocks) in "
                             + support.timeAndRate(bytes: m.sourceSize, nanoseconds: MonotonicClock.now() - start) + "." + matched)
        }
        if !layout.metadata.unreadable.isEmpty {
            if !json {
                support.complain("note: the source of '\(image)' could not be read in \(support.unreadableSummary(layout.metadata.unreadable)); "
                                 + "the image holds zeros there")
            }
            throw ExitCode(support.partlyUnreadable)
        }
    }

    /// The target, not the image, is what failed.
    struct TargetProblem: Error {
        var target: String
        var underlying: any Error
        /// The target was read and differs (exit 4), rather than could not be read (exit 1).
        var differs: Bool
    }

    static func json(_ image: String, intact: Bool, layout: ImageLayout?, problem: String?, target: String? = nil, equal: Bool = false) -> String {
        var fields = ["\"image\": \(image.jsonQuoted)", "\"intact\": \(intact)"]
        if let target {
            fields.append("\"target\": \(target.jsonQuoted)")
            fields.append("\"target_equal\": \(equal)")
        }
        if let layout {
            fields.append("\"source_bytes\": \(layout.metadata.sourceSize)")
            fields.append("\"frames\": \(layout.frames.count)")
            fields.append("\"blocks\": \(layout.metadata.blockCount)")
            fields.append("\"block_digest\": \"\(layout.metadata.hash.name)\"")
            fields.append("\"unreadable\": [" + layout.metadata.unreadable.map { "[\($0.offset), \($0.length)]" }.joined(separator: ", ") + "]")
        }
        if let problem { fields.append("\"problem\": \(problem.jsonQuoted)") }
        return "{" + fields.joined(separator: ", ") + "}\n"
    }
}
