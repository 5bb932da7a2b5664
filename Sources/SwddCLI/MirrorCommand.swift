import ArgumentParser
import SwddBackup
import SwddEngine
import SwddRemote
import SwddSystem

/// `swdd mirror SOURCE TARGET`: TARGET made an exact, uncompressed copy of SOURCE, writing only
/// the chunks that differ, then read back and checked. The plan is SwddBackup's `Mirror`; the
/// policy is here: which targets may be written (not mounted or busy, large enough, the same
/// logical sector size unless `--force`), a new file as TARGET.partial renamed at the end.
struct MirrorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Make a file or block device an exact copy of another, writing only what differs.",
        discussion: """
            Both sides are read and compared chunk by chunk (1 MiB); only the chunks that differ \
            are written, so mirroring an unchanged disk again writes nothing. Zeros and holes of \
            SOURCE become holes in a file target and are zeroed with BLKZEROOUT on a device. \
            Afterwards the chunks written are read back, bypassing the page cache, and checked. \
            An existing TARGET is overwritten in place: a regular file ends up exactly SOURCE's \
            size; of a larger device only the first SOURCE-size bytes are written. A new file is \
            written as TARGET.partial and renamed when done. A mounted or busy device, a device \
            smaller than SOURCE, or one whose logical sector size differs from SOURCE's (512 for \
            a file) is refused; --force overrides all but the size. Both sides are local: an \
            ssh:// side is refused (comparing it block by block would need swdd on the remote).
            """)

    @Argument(help: "A regular file or block device to copy.")
    var source: String

    @Argument(help: "A file or block device to make equal to SOURCE (overwritten), or a new file.")
    var target: String

    @Flag(help: "Write a mounted or busy device, or one whose logical sector size differs from SOURCE's.")
    var force = false

    @Flag(help: "Do not read back and check what was written.")
    var noVerify = false

    @Option(help: ArgumentHelp("Comparison threads (default: the cores).", valueName: "N"))
    var threads: Int?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print the result as JSON on standard output.")
    var json = false

    func run() throws {
        let support = ImageCommandSupport.self
        if let threads, threads < 1 {
            support.complain("invalid thread count \(threads)")
            throw ExitCode(2)
        }
        if let remote = [source, target].first(where: RemoteLocation.isRemote) {
            // Without a program there to hash its blocks, every block of the remote side would
            // cross the connection to be compared: no better than imaging it.
            support.complain("cannot mirror '\(remote)': a mirror to or from another machine needs swdd running there to hash its "
                             + "blocks (as rsync needs rsync on both ends), which this swdd does not start; run 'swdd mirror' on "
                             + "that machine, or use 'swdd image' and 'swdd restore' with an ssh:// image")
            throw ExitCode(support.failed)
        }
        let workers = threads ?? ProcessorCount.online
        let from: MirrorSide
        do {
            from = try MirrorSide.open(source, forWriting: false)
        } catch {
            support.complain("cannot mirror '\(source)': \(Self.reason(error))")
            throw ExitCode(support.failed)
        }
        defer { from.close() }
        let plan = try preparedTarget(for: from)
        defer {
            plan.side.close()
            plan.claim?.release()
        }

        let line = StatusLine(enabled: !quiet && !json && FileDescriptor.standardError.isTerminal)
        let partial = plan.partial
        support.onSignal {
            if let partial { try? FileSystemPath.remove(partial) }
            line.finish()
        }
        let counters = MirrorCounters()
        let start = MonotonicClock.now()
        let pass: Mirror.Pass
        do {
            pass = try withProgress(line, total: from.size) {
                try Mirror.copy(from, onto: plan.side, threads: workers, counters: counters, transfer: $0)
            }
        } catch {
            if let partial { try? FileSystemPath.remove(partial) }
            let state = partial != nil ? "nothing was left at '\(target)'" : "'\(target)' is incomplete"
            support.complain("mirroring '\(source)' onto '\(target)' failed, \(state): \(Self.reason(error))")
            throw ExitCode(support.failed)
        }
        if !noVerify {
            do {
                try withProgress(line, total: Mirror.bytesToVerify(pass)) {
                    try Mirror.verify(pass, target: plan.side, threads: workers, counters: counters, transfer: $0)
                }
            } catch {
                if let partial { try? FileSystemPath.remove(partial) }
                let state = partial != nil ? "; nothing was left at '\(target)'" : ""
                support.complain("'\(target)' was written but does not read back as '\(source)'\(state): \(Self.reason(error))")
                throw ExitCode(error is MirrorError ? support.damaged : support.failed)
            }
        }
        if let partial {
            do {
                try FileSystemPath.rename(partial, to: target)
            } catch {
                try? FileSystemPath.remove(partial)
                support.complain("cannot mirror onto '\(target)': \(Self.reason(error))")
                throw ExitCode(support.failed)
            }
        }
        let outcome = Outcome(sourceBytes: from.size, compared: counters.bytesCompared, written: counters.bytesWritten,
                              zeroed: counters.bytesZeroed, verified: noVerify ? nil : counters.bytesVerified,
                              nanoseconds: MonotonicClock.now() - start)
        if json {
            FileDescriptor.standardOutput.writeAll(Self.json(outcome, source: source, target: target))
        } else if !quiet {
            support.complain(Self.summary(outcome, source: source, target: target))
        }
    }

    /// Runs `body` with the progress line over a fresh set of transfer counters.
    private func withProgress<T>(_ line: StatusLine, total: Int64, _ body: (TransferCounters) throws -> T) rethrows -> T {
        let transfer = TransferCounters()
        let progress = ImageCommandSupport.startProgress(line, counters: transfer, total: total, quiet: quiet || json)
        defer {
            progress?.stop()
            line.finish()
        }
        return try body(transfer)
    }

    /// The target opened for the mirror, and what must be undone or released afterwards.
    struct TargetPlan {
        var side: MirrorSide
        /// A new file's `.partial` name, renamed to TARGET at the end.
        var partial: String?
        var claim: BlockDeviceClaim?
    }

    /// The target checked and opened, or the one-line refusal and exit 1.
    private func preparedTarget(for from: MirrorSide) throws -> TargetPlan {
        do {
            return try prepareTarget(for: from)
        } catch let refusal as ImageCommand.Refusal {
            ImageCommandSupport.complain(refusal.message)
        } catch let refusal as TargetSafety.Refusal {
            ImageCommandSupport.complain(refusal.message)
        } catch {
            ImageCommandSupport.complain("cannot mirror onto '\(target)': \(Self.reason(error))")
        }
        throw ExitCode(ImageCommandSupport.failed)
    }

    private func prepareTarget(for from: MirrorSide) throws -> TargetPlan {
        guard FileSystemPath.exists(target) else {
            if !force && ImageCommandSupport.isNewFileInDevtmpfs(target) {
                throw ImageCommand.Refusal(message: "refusing to create '\(target)' in /dev, which holds devices (use --force to create it anyway)")
            }
            // A new file: all holes at first, so the comparison reads nothing and only data is written.
            let partial = target + ".partial"
            try FileDescriptor.open(partial, flags: [.writeOnly, .create, .truncate, .closeOnExec], mode: 0o644).close()
            do {
                return TargetPlan(side: try MirrorSide.open(partial, forWriting: true), partial: partial)
            } catch {
                try? FileSystemPath.remove(partial)
                throw error
            }
        }
        let status = try FileStatus.of(path: target)
        let sourceStatus = try from.reader.status()
        let sameFile = status.kind == .blockDevice
            ? sourceStatus.kind == .blockDevice && sourceStatus.representedDevice == status.representedDevice
            : sourceStatus.device == status.device && sourceStatus.inode == status.inode
        if sameFile { throw ImageCommand.Refusal(message: "refusing to mirror '\(source)' onto itself ('\(target)' is the same \(status.kind == .blockDevice ? "device" : "file"))") }
        switch status.kind {
        case .blockDevice:
            let claim = try TargetSafety.claimForWriting(target, force: force, frontEnd: .subcommand)
            let side: MirrorSide
            do {
                side = try MirrorSide.open(target, forWriting: true)
                guard side.size >= from.size else {
                    throw ImageCommand.Refusal(message: "refusing to mirror onto '\(target)': it holds \(side.size) bytes, fewer than the \(from.size) of '\(source)'")
                }
                if side.logicalSectorSize != from.logicalSectorSize && !force {
                    throw ImageCommand.Refusal(message: "refusing to mirror onto '\(target)': its logical sectors are \(side.logicalSectorSize) bytes, "
                                               + "those of '\(source)' \(from.logicalSectorSize) (partition tables would not be found; use --force to write anyway)")
                }
            } catch {
                claim?.release()
                throw error
            }
            return TargetPlan(side: side, claim: claim)
        case .regular:
            return TargetPlan(side: try MirrorSide.open(target, forWriting: true))
        case .directory:
            throw ImageCommand.Refusal(message: "cannot mirror onto '\(target)': it is a directory")
        default:
            throw ImageCommand.Refusal(message: "cannot mirror onto '\(target)': mirror reads its target, so it must be a regular file or a block device")
        }
    }

    /// What one mirror did, for the summary line and the JSON.
    struct Outcome: Equatable {
        var sourceBytes: Int64
        var compared: Int64
        var written: Int64
        var zeroed: Int64
        /// Bytes read back and checked; nil with --no-verify.
        var verified: Int64?
        var nanoseconds: UInt64
    }

    /// `mirrored 'a' onto 'b': 2.0 GiB compared, 104 MiB written, 104 MiB verified in 1.20 s (1.7 GB/s)`.
    static func summary(_ o: Outcome, source: String, target: String) -> String {
        let size = ProgressLine.binarySize
        let zeros = o.zeroed > 0 ? " (\(size(o.zeroed)) of it zeros)" : ""
        let checked = o.verified.map { "\(size($0)) verified" } ?? "not verified"
        return "mirrored '\(source)' onto '\(target)': \(size(o.compared)) compared, \(size(o.written)) written\(zeros), \(checked) in "
            + ImageCommandSupport.timeAndRate(bytes: o.compared, nanoseconds: o.nanoseconds)
    }

    static func json(_ o: Outcome, source: String, target: String) -> String {
        """
        {"source": \(source.jsonQuoted), "target": \(target.jsonQuoted), "source_bytes": \(o.sourceBytes), \
        "compared_bytes": \(o.compared), "written_bytes": \(o.written), "zeroed_bytes": \(o.zeroed), \
        "verified": \(o.verified != nil), "verified_bytes": \(o.verified ?? 0), "seconds": \(Double(o.nanoseconds) / 1e9)}

        """
    }

    /// The text of any error a mirror can end with.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as MirrorError:
            switch error {
            case .targetEndedEarly(_, let offset): "it ended at byte \(offset), before the source's size"
            case .readBackMismatch(_, let offset, let length): "bytes \(offset)..<\(offset + Int64(length)) do not hold what was written there"
            }
        case let error as MirrorSide.NotSeekable:
            "it is \(error.kind.article); mirror reads a regular file or a block device"
        default: ImageCommandSupport.reason(error)
        }
    }
}

extension FileKind {
    /// `a pipe`, `a directory`: for messages.
    fileprivate var article: String {
        switch self {
        case .regular: "a regular file"
        case .blockDevice: "a block device"
        case .characterDevice: "a character device"
        case .fifo: "a pipe"
        case .socket: "a socket"
        case .directory: "a directory"
        case .symlink: "a symbolic link"
        case .unknown: "not a file"
        }
    }
}
