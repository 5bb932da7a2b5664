import ArgumentParser
import SwddBackup
import SwddEngine
import SwddRemote
import SwddSystem

/// `swdd mirror SOURCE TARGET`: TARGET made an exact, uncompressed copy of SOURCE, writing only
/// the chunks that differ, then read back and checked. The plan is SwddBackup's `Mirror`; the
/// policy is `MirrorTarget`'s: which targets may be written (not mounted or busy, large enough,
/// the same logical sector size unless `--force`), a new file as TARGET.partial renamed at the
/// end. With an ssh:// side, `runOverSsh` (MirrorOverSsh.swift).
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
            a file) is refused; --force overrides all but the size.

            Either side may be ssh://[user@]host[:port]/path (a device or a file). As rsync needs \
            rsync on both ends, this runs swdd there (--remote-swdd PATH, default swdd on the \
            remote's PATH) through the system ssh (--ssh): the machine holding TARGET hashes its \
            chunks and sends the digests, the one holding SOURCE sends only the chunks that \
            differ, as zstd frames; TARGET's machine checks, writes, syncs and reads them back, \
            with the same refusals as here. Without swdd there, the mirror stops in one line \
            before anything is opened. The summary adds the bytes sent and received over ssh.
            """)

    @Argument(help: "A regular file or block device to copy, here or ssh://[user@]host[:port]/path.")
    var source: String

    @Argument(help: "A file or block device to make equal to SOURCE (overwritten), or a new file; here or ssh://….")
    var target: String

    @Flag(help: "Write a mounted or busy device, or one whose logical sector size differs from SOURCE's.")
    var force = false

    @Flag(help: "Do not read back and check what was written.")
    var noVerify = false

    @Option(help: ArgumentHelp("Comparison threads (default: the cores).", valueName: "N"))
    var threads: Int?

    @Option(help: ArgumentHelp("swdd on the machine of an ssh:// SOURCE or TARGET (default: swdd on its PATH).", valueName: "path"))
    var remoteSwdd: String?

    @OptionGroup var remote: RemoteOptions

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
        let remotes = [source, target].filter(RemoteLocation.isRemote)
        if remotes.count == 2 {
            support.complain("cannot mirror '\(source)' onto '\(target)': both are on other machines; run 'swdd mirror' on one of them")
            throw ExitCode(2)
        }
        if remotes.isEmpty, remoteSwdd != nil {
            support.complain("--remote-swdd names swdd on another machine: it needs an ssh:// SOURCE or TARGET")
            throw ExitCode(2)
        }
        let workers = threads ?? ProcessorCount.online
        if !remotes.isEmpty { return try runOverSsh(workers: workers) }
        let from: MirrorSide
        do {
            from = try MirrorSide.open(source, forWriting: false)
        } catch {
            support.complain("cannot mirror '\(source)': \(Self.reason(error))")
            throw ExitCode(support.failed)
        }
        defer { from.close() }
        let plan = try preparedTarget(for: from)
        defer { plan.close() }

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
    func withProgress<T>(_ line: StatusLine, total: Int64, _ body: (TransferCounters) throws -> T) rethrows -> T {
        let transfer = TransferCounters()
        let progress = ImageCommandSupport.startProgress(line, counters: transfer, total: total, quiet: quiet || json)
        defer {
            progress?.stop()
            line.finish()
        }
        return try body(transfer)
    }

    /// The target checked and opened, or the one-line refusal and exit 1.
    private func preparedTarget(for from: MirrorSide) throws -> MirrorTarget {
        do {
            let source = MirrorTarget.Source(name: "'\(source)'", size: from.size, logicalSectorSize: from.logicalSectorSize,
                                             status: try from.reader.status())
            return try MirrorTarget.prepare(target, for: source, force: force)
        } catch {
            ImageCommandSupport.complain(MirrorTarget.refusalMessage(error) ?? "cannot mirror onto '\(target)': \(Self.reason(error))")
        }
        throw ExitCode(ImageCommandSupport.failed)
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
        /// Over ssh: the protocol's bytes each way (digests one way, blocks the other); nil locally.
        var wire: Wire? = nil

        struct Wire: Equatable {
            var sent: Int64
            var received: Int64
        }
    }

    /// `mirrored 'a' onto 'b': 2.0 GiB compared, 104 MiB written, 104 MiB verified in 1.20 s (1.7 GB/s)`.
    static func summary(_ o: Outcome, source: String, target: String) -> String {
        let size = ProgressLine.binarySize
        let zeros = o.zeroed > 0 ? " (\(size(o.zeroed)) of it zeros)" : ""
        let checked = o.verified.map { "\(size($0)) verified" } ?? "not verified"
        let wire = o.wire.map { ", \(size($0.sent)) sent and \(size($0.received)) received over ssh" } ?? ""
        return "mirrored '\(source)' onto '\(target)': \(size(o.compared)) compared, \(size(o.written)) written\(zeros), \(checked)\(wire) in "
            + ImageCommandSupport.timeAndRate(bytes: o.compared, nanoseconds: o.nanoseconds)
    }

    static func json(_ o: Outcome, source: String, target: String) -> String {
        """
        {"source": \(source.jsonQuoted), "target": \(target.jsonQuoted), "source_bytes": \(o.sourceBytes), \
        "compared_bytes": \(o.compared), "written_bytes": \(o.written), "zeroed_bytes": \(o.zeroed), \
        "verified": \(o.verified != nil), "verified_bytes": \(o.verified ?? 0), \
        \(o.wire.map { "\"sent_bytes\": \($0.sent), \"received_bytes\": \($0.received), " } ?? "")"seconds": \(Double(o.nanoseconds) / 1e9)}

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
        case let error as RemoteMirrorError: error.reason
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
