import SwddBackup
import SwddEngine
import SwddSystem

/// `swdd __mirror-peer`: the far end of `swdd mirror` with an ssh:// side, started by the local
/// swdd through ssh and never by hand (not a listed subcommand). It speaks `RemoteMirrorMessage`s
/// on its standard input and output and writes nothing else anywhere: its hello, then, for the
/// side the local end names, the same checks and the same plans as a local mirror — as the
/// target, `MirrorTarget.prepare` (mounted, busy, size, sector size, `--force` as the user gave
/// it) and `RemoteMirrorTarget`; as the source, `RemoteMirrorSource`. Every failure is one line
/// sent back, which the local end prints; exit 1.
enum RemoteMirrorPeer {
    static let entryPoint = "__mirror-peer"

    static func run() -> Never {
        if FileDescriptor.standardInput.isTerminal {
            FileDescriptor.standardError.writeAll("swdd: \(entryPoint) is the far end of 'swdd mirror' over ssh, started by swdd itself, not a command\n")
            ProcessEnvironment.exit(status: 2)
        }
        // The local end going away must be an error on the next write, not a silent death.
        SignalWatcher.ignoreBrokenPipes()
        let channel = RemoteMirrorChannel(input: .standardInput, output: .standardOutput)
        ProcessEnvironment.exit(status: serve(channel))
    }

    private static func serve(_ channel: RemoteMirrorChannel) -> Int32 {
        guard (try? channel.send(.hello(protocolVersion: RemoteMirrorMessage.protocolVersion, swddVersion: SwddVersion.string))) != nil,
              case .open(let request)? = try? channel.receive() else {
            return 1  // the local end went away, or is not swdd: nobody to tell
        }
        guard request.chunkSize == Mirror.chunkSize else {
            channel.sendFailure("swdd \(SwddVersion.string) here mirrors in chunks of \(Mirror.chunkSize) bytes, not \(request.chunkSize)")
            return 1
        }
        let path = request.path.resolved(home: ProcessEnvironment.value(of: "HOME") ?? "/")
        return request.peerHoldsTarget ? serveTarget(path, request, channel) : serveSource(path, request, channel)
    }

    private static func serveTarget(_ path: String, _ request: RemoteMirrorRequest, _ channel: RemoteMirrorChannel) -> Int32 {
        let target: MirrorTarget
        do {
            let source = MirrorTarget.Source(name: "the source", size: request.sourceSize, logicalSectorSize: request.sourceSectorSize)
            target = try MirrorTarget.prepare(path, for: source, force: request.force)
        } catch {
            channel.sendFailure(MirrorTarget.refusalMessage(error) ?? "cannot mirror onto '\(path)': \(MirrorCommand.reason(error))")
            return 1
        }
        defer { target.close() }
        let counters = MirrorCounters()
        do {
            try channel.send(.ready(size: target.side.size, logicalSectorSize: target.side.logicalSectorSize, isRegularFile: target.side.isRegularFile))
            try RemoteMirrorTarget.run(target.side, sourceSize: request.sourceSize, channel: channel, verifies: request.verifies,
                                       threads: ProcessorCount.online, counters: counters, transfer: TransferCounters(),
                                       describe: { MirrorCommand.reason($0) })
            if let partial = target.partial { try FileSystemPath.rename(partial, to: path) }
        } catch {
            if let partial = target.partial { try? FileSystemPath.remove(partial) }
            let state = target.partial != nil ? "nothing was left at '\(path)'" : "'\(path)' is incomplete"
            // Gone or failed on the local end: it knows, and may not be listening.
            if (error as? RemoteMirrorError)?.cameFromOtherEnd != true {
                channel.sendFailure("writing '\(path)' failed, \(state): \(MirrorCommand.reason(error))", status: error is MirrorError ? 4 : 1)
            }
            return 1
        }
        try? channel.send(.summary(written: counters.bytesWritten, zeroed: counters.bytesZeroed,
                                   verified: request.verifies ? counters.bytesVerified : nil))
        return 0
    }

    private static func serveSource(_ path: String, _ request: RemoteMirrorRequest, _ channel: RemoteMirrorChannel) -> Int32 {
        let side: MirrorSide
        do {
            side = try MirrorSide.open(path, forWriting: false)
        } catch {
            channel.sendFailure("cannot mirror '\(path)': \(MirrorCommand.reason(error))")
            return 1
        }
        defer { side.close() }
        do {
            try channel.send(.ready(size: side.size, logicalSectorSize: side.logicalSectorSize, isRegularFile: side.isRegularFile))
            _ = try RemoteMirrorSource.run(side, channel: channel, threads: ProcessorCount.online, awaitsSummary: false,
                                           counters: MirrorCounters(), transfer: TransferCounters())
        } catch {
            if (error as? RemoteMirrorError)?.cameFromOtherEnd != true {
                channel.sendFailure("reading '\(path)' failed: \(MirrorCommand.reason(error))")
            }
            return 1
        }
        return 0
    }
}

extension RemoteMirrorError {
    /// A failure the other end caused or reported itself (it went away, or sent its failure
    /// line): it is not told again.
    var cameFromOtherEnd: Bool {
        switch self {
        case .connectionEnded, .remoteFailed: true
        case .notAPeer, .unexpected, .damagedBlock: false
        }
    }
}
