import ArgumentParser
import SwddBackup
import SwddDisks
import SwddEngine
import SwddImage
import SwddRemote
import SwddSystem

/// `swdd backup SOURCE REPO`: the next image of SOURCE's chain in a repository — full,
/// incremental (only the blocks changed since the chain's newest image) or differential (since
/// its last full), found by hashing the source's blocks against the parent's recorded digests
/// (the parent's data is never read). The repository is created if REPO does not exist.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up a partition, disk or file into a repository: full, incremental or differential.",
        discussion: """
            Each chain (--name, by default the source's label or file name) records its source's \
            size, sector size and identity; a different source is refused unless --new-chain. \
            Without --full, --incremental or --differential, the first image of a chain is full, \
            then incrementals follow, with a new full every 7 images (--full-every N, or Nd for \
            days). An image exists once its manifest, written last, is in the repository: an \
            interrupted backup leaves the repository as it was. Only one backup runs in a \
            repository at a time (exit 5 names the holder); restores and verifies may run alongside.
            """)

    @Argument(help: "A block device or a file.")
    var source: String

    @Argument(help: "The repository: a directory, or ssh://[user@]host[:port]/path (created when it does not exist).")
    var repository: String

    @Option(help: ArgumentHelp("The chain (default: the source's label, else its file name).", valueName: "name"))
    var name: String?

    @Flag(help: "A full image.")
    var full = false

    @Flag(help: "Only the blocks changed since the chain's newest image.")
    var incremental = false

    @Flag(help: "Only the blocks changed since the chain's last full image.")
    var differential = false

    @Option(help: ArgumentHelp("Without a kind: a full image every N images, or every N days (Nd).", valueName: "N|Nd"))
    var fullEvery = "7"

    @Flag(help: "Start the chain over with a full image of a source that differs from its images'.")
    var newChain = false

    @Flag(help: "Do not continue an interrupted upload to a remote repository: send the whole image again.")
    var noResume = false

    @OptionGroup var encoding: EncodingOptions

    @Option(help: ArgumentHelp("Change-tracking block of a chain's full image: 64K to 1M, a power of two.", valueName: "size"))
    var block = "1M"

    @Flag(help: "Go on past unreadable sectors: zeros stored, the ranges recorded, exit 3.")
    var keepGoing = false

    @OptionGroup var freezeOptions: FreezeOptions

    @OptionGroup var remote: RemoteOptions

    @OptionGroup var storage: StorageClassOptions

    @OptionGroup var usedBlocks: UsedBlocksOptions

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print a summary as JSON on standard output.")
    var json = false

    @Option(help: ArgumentHelp("Run as schedule NAME (what 'swdd schedule' units do): no progress, one log line on standard error.", valueName: "schedule"))
    var scheduled: String?

    func validate() throws {
        if [full, incremental, differential].filter({ $0 }).count > 1 {
            throw ValidationError("--full, --incremental and --differential exclude each other")
        }
        try storage.check(destination: repository)
        if BackupKindPolicy.parse(fullEvery) == nil { throw ValidationError("invalid --full-every '\(fullEvery)': expected N images or Nd days") }
        if let name, !BackupRun.isValidChainName(name) {
            throw ValidationError("invalid chain name '\(name)': 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'")
        }
        if source == "-" { throw ValidationError("backup reads a device or file again for each image: standard input cannot be") }
    }

    func run() throws {
        let support = ImageCommandSupport.self
        let quiet = self.quiet || scheduled != nil
        try freezeOptions.check(source: source)
        try usedBlocks.check(source: source)
        var options = try encoding.imageOptions()
        guard let blockSize = ByteSize.parse(block), (64 << 10...1 << 20).contains(blockSize), blockSize & (blockSize - 1) == 0 else {
            support.complain("invalid block size '\(block)': expected 64K, 128K, 256K, 512K or 1M")
            throw ExitCode(2)
        }
        options.blockSize = blockSize
        options.keepGoing = keepGoing

        let input: ImageInput
        let size: Int64
        let sectorSize: Int
        let identity: SourceIdentity
        do {
            let opened = try ImageCommandSupport.openImageSource(source)
            (input, sectorSize) = (opened.0, opened.2)
            size = opened.1 ?? 0
            identity = support.identity(of: input, path: source, sectorSize: sectorSize)
        } catch {
            support.complain("cannot read '\(source)': \(support.reason(error))")
            throw ExitCode(1)
        }
        var request = BackupRequest(chain: name ?? BackupRun.defaultChainName(for: identity), now: RepositoryClock.now())
        request.kind = full ? .full : incremental ? .incremental : differential ? .differential : nil
        request.policy = BackupKindPolicy(fullEvery: BackupKindPolicy.parse(fullEvery)!)
        request.newChain = newChain
        request.resume = !noResume
        request.options = options

        // Everything a backup writes lives in the repository: it must not be on a filesystem it freezes.
        var freezing: SourceFreeze?
        if case .range(let descriptor, _, _) = input {
            do {
                let writes = RemoteLocation.isRemote(repository) || ObjectLocation.isObjectStore(repository) ? [] : [repository, repository + "/images/", repository + "/locks/"]
                freezing = try SourceFreeze.prepare(source: source, descriptor: descriptor, freeze: freezeOptions.freeze, writes: writes)
            } catch {
                support.complain(error.message)
                throw ExitCode(1)
            }
        }
        let repo = try support.openRepository(repository, creating: true, remote: remote, storageClass: storage.storageClass)
        defer { repo.store.close() }
        let lock = try support.lock(repo, for: .append)
        defer { lock.release() }

        let line = StatusLine(enabled: !quiet && FileDescriptor.standardError.isTerminal)
        let partial = PartialPath()
        support.onSignal {
            if let path = partial.path { try? FileSystemPath.remove(path) }
            lock.release()
            line.finish()
        }
        let counters = TransferCounters()
        let progress = support.startProgress(line, counters: counters, total: size, quiet: quiet)
        let result: BackupResult
        var hold: HeldFreeze?
        do {
            hold = try freezing?.hold(timeout: .seconds(freezeOptions.timeout))
            usedBlocks.apply(to: &request.options, source: source, input: input, sectorSize: sectorSize, frozen: hold != nil, quiet: quiet || json)
            result = try BackupRun.run(input, identity: identity, sourceSize: size, sectorSize: sectorSize, into: repo, request: request,
                                       counters: counters, hold: hold, onImageFile: { partial.path = $0 })
        } catch let mismatch as SourceMismatch {
            try? hold?.release()
            progress?.stop()
            line.finish()
            support.complain(mismatch.message)
            throw ExitCode(1)
        } catch let mismatch as ChainKeyMismatch {
            try? hold?.release()
            progress?.stop()
            line.finish()
            support.complain(mismatch.message)
            throw ExitCode(1)
        } catch {
            try? hold?.release()
            progress?.stop()
            line.finish()
            support.complain("backing up '\(source)' into '\(repository)' failed, the repository is as it was: \(support.reason(error))")
            throw ExitCode(support.exitStatus(for: error))
        }
        progress?.stop()
        line.finish()
        let m = result.manifest, s = result.summary
        if !result.orphansRemoved.isEmpty && !quiet {
            support.complain("removed \(result.orphansRemoved.count) file\(result.orphansRemoved.count == 1 ? "" : "s") an interrupted backup left in '\(repo.path)/images'")
        }
        if !quiet { for line in result.notResumed { support.complain(line) } }
        if keepGoing && !s.unreadable.isEmpty {
            support.complain("'\(source)' could not be read in \(support.unreadableSummary(s.unreadable)); zeros were stored there")
        }
        if let scheduled {
            support.complain(ScheduledRunLog.backup(schedule: scheduled, result: result, source: source, repository: repository))
        }
        if json {
            FileDescriptor.standardOutput.writeAll(Self.json(result, source: source, repository: repository))
        } else if !quiet {
            let parent = result.parent.map { " on \($0.shortName)" } ?? ""
            support.complain("backed up '\(source)' (\(ProgressLine.binarySize(s.sourceSize))) into '\(repository)' as \(m.kind.name) image "
                             + "\(m.shortName)\(parent) of chain '\(m.chain)': \(ProgressLine.binarySize(Int64(s.dataBlocks) * Int64(s.blockSize))) "
                             + "changed, \(ProgressLine.binarySize(s.bytesStored)) stored, in "
                             + support.timeAndRate(bytes: s.sourceSize, nanoseconds: s.elapsedNanoseconds)
                             + (options.encryption.map { ", encrypted with key id \($0.idText)" } ?? "")
                             + (result.resumed.map { "; resumed at \(ProgressLine.binarySize($0.sourceBytes)) of \(ProgressLine.binarySize(s.sourceSize)) "
                                 + "(\(ProgressLine.binarySize($0.imageBytes)) not sent again)" } ?? ""))
        }
        if !s.unreadable.isEmpty { throw ExitCode(support.partlyUnreadable) }
    }

    static func json(_ result: BackupResult, source: String, repository: String) -> String {
        let m = result.manifest, s = result.summary
        return """
            {"source": \(source.jsonQuoted), "repository": \(repository.jsonQuoted), "chain": \(m.chain.jsonQuoted), \
            "id": "\(m.idText)", "kind": "\(m.kind.name)", "parent": \(m.parentText.map { "\"\($0)\"" } ?? "null"), \
            "created": \(m.created), "source_bytes": \(s.sourceSize), "bytes_read": \(s.bytesRead), "image_bytes": \(s.bytesStored), \
            "block_size": \(s.blockSize), "changed_blocks": \(s.dataBlocks), "inherited_blocks": \(s.inheritedBlocks), \
            "zero_blocks": \(s.zeroBlocks), "resumed_source_bytes": \(result.resumed?.sourceBytes ?? 0), \
            "resumed_image_bytes": \(result.resumed?.imageBytes ?? 0), "seconds": \(Double(s.elapsedNanoseconds) / 1e9)}

            """
    }
}

/// The `.partial` path a run is writing, for the signal handler (set once writing starts).
final class PartialPath: @unchecked Sendable {
    private let lock = ThreadMonitor()
    private var value: String?

    var path: String? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
