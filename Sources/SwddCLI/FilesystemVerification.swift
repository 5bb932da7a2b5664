import ArgumentParser
import Synchronization
import SwddBackup
import SwddEngine
import SwddImage
import SwddMount
import SwddSystem

/// `swdd verify --fsck IMAGE|REPO [--at TIME|ID]`: the restore point checked as a restore
/// would read it (every frame it needs, every block's digest, the chain's links), then each
/// partition's filesystem checked by its own checker, read-only, through an overlay mount of
/// the point — nothing is restored. Exit 0 when every filesystem is clean (or has no checker),
/// 4 when the point is damaged or a checker found errors.
struct FilesystemVerification {
    var location: String
    var at: String?
    var name: String?
    var threads: Int
    var quiet: Bool
    var json: Bool
    /// `--key`: an encrypted image's or chain's key file.
    var key: ImageKey?
    var remote = RemoteOptions()

    /// What a signal must undo: the temporary mount and its directory.
    private final class Cleanup: Sendable {
        let mountPoint = Mutex<String?>(nil)

        func run() {
            guard let path = mountPoint.withLock({ $0 }) else { return }
            try? FuseMount.unmount(path, lazily: true)
            _ = try? TemporaryDirectory(path: path).remove()
        }
    }

    func run() throws {
        let support = ImageCommandSupport.self
        let cleanup = Cleanup()
        let line = StatusLine(enabled: !quiet && !json && FileDescriptor.standardError.isTerminal)
        // Before any thread starts (the checks', libfuse's), so only the watcher gets them.
        support.onSignal {
            line.finish()
            cleanup.run()
        }
        let opened = try OpenedPoint.open(location, at: at, name: name, purpose: "check", key: key, remote: remote)
        defer { opened.release() }
        let counters = TransferCounters()
        let progress = support.startProgress(line, counters: counters, total: opened.point.metadata.sourceSize, quiet: quiet || json)
        do {
            try ImageRestorer.check(opened.point, threads: threads, counters: counters)
        } catch {
            progress?.stop()
            line.finish()
            if json { FileDescriptor.standardOutput.writeAll(Self.json(location, intact: false, problem: support.reason(error), checks: [])) }
            support.complain("\(opened.description) is damaged: \(support.reason(error))")
            throw ExitCode(support.exitStatus(for: error))
        }
        progress?.stop()
        line.finish()
        if !quiet && !json {
            support.complain("\(opened.description) is intact: every block it holds checked; checking its filesystems")
        }
        let checks = try checkFilesystems(opened, cleanup: cleanup)
        keepRecord(of: checks, for: opened)
        if json {
            FileDescriptor.standardOutput.writeAll(Self.json(location, intact: true, problem: nil, checks: checks))
        } else {
            for check in checks { report(check) }
        }
        if checks.contains(where: { if case .errorsFound = $0.outcome { true } else { false } }) {
            throw ExitCode(support.damaged)
        }
    }

    /// Mounts the point with an overlay on a temporary directory, runs each partition's checker
    /// (the whole disk's when it has no table), and unmounts.
    private func checkFilesystems(_ opened: OpenedPoint, cleanup: Cleanup) throws -> [FilesystemCheck] {
        let support = ImageCommandSupport.self
        let directory: TemporaryDirectory
        let session: MountSession
        do {
            directory = try TemporaryDirectory.make(prefix: "swdd-fsck-")
        } catch {
            support.complain("cannot make a mount point for the checks: \(error.description)")
            throw ExitCode(support.failed)
        }
        defer { _ = try? directory.remove() }
        do {
            let description = opened.description
            let view = try DiskView(chunks: try RestorePointChunks(point: opened.point), workers: threads,
                                    overlayDirectory: TemporaryDirectory.systemTemporaryDirectory,
                                    log: { support.complain("reading \(description): \($0)") })
            cleanup.mountPoint.withLock { $0 = directory.path }
            session = try MountSession.start(view, at: directory.path, sectorSize: opened.point.metadata.sectorSize,
                                             threads: threads + 2, probeFilesystems: true)
        } catch let failure as FuseMount.Failure {
            cleanup.mountPoint.withLock { $0 = nil }
            support.complain("--fsck checks through a FUSE mount: \(failure.message)")
            throw ExitCode(support.failed)
        } catch {
            cleanup.mountPoint.withLock { $0 = nil }
            support.complain("cannot check \(opened.description): \(support.reason(error))")
            throw ExitCode(support.exitStatus(for: error))
        }
        defer {
            session.stop()
            cleanup.mountPoint.withLock { $0 = nil }
        }
        var checks: [FilesystemCheck] = []
        let disk = session.disk
        let partitions = (disk?.table?.partitions ?? []).filter { !$0.isExtended }
        if partitions.isEmpty {
            checks.append(FilesystemCheck.run(directory.path + "/disk", file: "disk", type: disk?.wholeDiskFilesystem?.type))
        }
        let files = Set(session.mount.view.files.map(\.name))
        for partition in partitions where files.contains("p\(partition.number)") {
            checks.append(FilesystemCheck.run(directory.path + "/p\(partition.number)", file: "p\(partition.number)",
                                              type: disk?.filesystems[partition.number]?.type))
        }
        return checks
    }

    /// Keeps what the checkers found for `swdd list IMAGE --fs` and `swdd repo`. A record
    /// that cannot be written (read-only media) is said, and leaves the result as it is.
    private func keepRecord(of checks: [FilesystemCheck], for opened: OpenedPoint) {
        let entries = checks.map { check -> FilesystemCheckRecord.Entry in
            let (result, status): (FilesystemCheckRecord.Result, Int32?) = switch check.outcome {
            case .clean: (.clean, nil)
            case .errorsFound(let status, _): (.errors, status)
            case .noChecker: (.notChecked, nil)
            }
            return FilesystemCheckRecord.Entry(file: check.file, type: check.type, result: result, status: status,
                                               journalReplayed: check.journalReplayed)
        }
        let record = FilesystemCheckRecord(image: opened.point.metadata.imageID, checked: WallClock.secondsSinceEpoch(), entries: entries)
        do {
            try opened.keep(record)
        } catch {
            ImageCommandSupport.complain("cannot keep the record of this check: \(ImageCommandSupport.reason(error))")
        }
    }

    private func report(_ check: FilesystemCheck) {
        let support = ImageCommandSupport.self
        let what = "\(check.file) (\(check.type ?? "no filesystem"))"
        let replayed = check.journalReplayed ? "journal replayed in the overlay; " : ""
        switch check.outcome {
        case .clean:
            if !quiet { support.complain("\(what): \(replayed)clean (\(check.command))") }
        case .errorsFound(let status, let lines):
            support.complain("\(what): \(replayed)errors found: \(check.command) exited with status \(status)")
            for text in lines { FileDescriptor.standardError.writeAll("    \(text)\n") }
        case .noChecker(let why):
            if !quiet { support.complain("\(what): not checked: \(why)") }
        }
    }

    static func json(_ location: String, intact: Bool, problem: String?, checks: [FilesystemCheck]) -> String {
        let entries = checks.map { check -> String in
            var fields = ["\"file\": \(check.file.jsonQuoted)", "\"type\": " + (check.type.map(\.jsonQuoted) ?? "null")]
            switch check.outcome {
            case .clean: fields.append("\"result\": \"clean\"")
            case .errorsFound(let status, let lines):
                fields.append("\"result\": \"errors\"")
                fields.append("\"status\": \(status)")
                fields.append("\"output\": [" + lines.map(\.jsonQuoted).joined(separator: ", ") + "]")
            case .noChecker(let why):
                fields.append("\"result\": \"not_checked\"")
                fields.append("\"reason\": \(why.jsonQuoted)")
            }
            if !check.command.isEmpty { fields.append("\"command\": \(check.command.jsonQuoted)") }
            fields.append("\"journal_replayed\": \(check.journalReplayed)")
            return "    {" + fields.joined(separator: ", ") + "}"
        }
        let clean = intact && !checks.contains { if case .errorsFound = $0.outcome { true } else { false } }
        return "{\"location\": \(location.jsonQuoted), \"intact\": \(intact), \"clean\": \(clean)"
            + (problem.map { ", \"problem\": \($0.jsonQuoted)" } ?? "")
            + ", \"filesystems\": [\n" + entries.joined(separator: ",\n") + (entries.isEmpty ? "" : "\n") + "]}\n"
    }
}
