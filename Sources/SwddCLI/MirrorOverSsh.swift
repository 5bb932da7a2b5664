import ArgumentParser
import SwddBackup
import SwddEngine
import SwddRemote
import SwddSystem

/// `swdd mirror` with one side an ssh:// location: swdd on that machine (`__mirror-peer`, through
/// `RemoteMirrorConnection`) hashes or reads its side on its own engine, so only digests and the
/// blocks that differ cross the connection. The target's side hashes and writes
/// (`RemoteMirrorTarget`), the source's side compares and sends (`RemoteMirrorSource`), whichever
/// machine each is on; the target's checks are `MirrorTarget`'s on both.
extension MirrorCommand {
    func runOverSsh(workers: Int) throws {
        let support = ImageCommandSupport.self
        let pushing = RemoteLocation.isRemote(target)
        // A local source that cannot be read is told before any connection is made.
        var from: MirrorSide?
        if pushing {
            do {
                from = try MirrorSide.open(source, forWriting: false)
            } catch {
                support.complain("cannot mirror '\(source)': \(Self.reason(error))")
                throw ExitCode(support.failed)
            }
        }
        defer { from?.close() }
        let connection = try RemoteMirrorConnection.start(pushing ? target : source, ssh: remote.ssh, program: remoteSwdd ?? "swdd")
        defer { connection.close() }
        let host = connection.location.destination
        let counters = MirrorCounters()
        let line = StatusLine(enabled: !quiet && !json && FileDescriptor.standardError.isTerminal)
        let start = MonotonicClock.now()
        var newFile = false

        let sourceSize: Int64
        var summary: RemoteMirrorSummary?
        do {
            if let from {
                sourceSize = from.size
                support.onSignal { line.finish() }
                try connection.channel.send(.open(request(peerHoldsTarget: true, size: from.size, sectorSize: from.logicalSectorSize, connection)))
                _ = try connection.ready()
                summary = try withProgress(line, total: from.size) {
                    try RemoteMirrorSource.run(from, channel: connection.channel, threads: workers, awaitsSummary: true,
                                               counters: counters, transfer: $0)
                }
            } else {
                try connection.channel.send(.open(request(peerHoldsTarget: false, size: 0, sectorSize: 0, connection)))
                let there = try connection.ready()
                sourceSize = there.size
                let plan: MirrorTarget
                do {
                    plan = try MirrorTarget.prepare(target, for: MirrorTarget.Source(name: "'\(source)'", size: there.size,
                                                                                       logicalSectorSize: there.logicalSectorSize), force: force)
                } catch {
                    support.complain(MirrorTarget.refusalMessage(error) ?? "cannot mirror onto '\(target)': \(Self.reason(error))")
                    throw ExitCode(support.failed)
                }
                newFile = plan.partial != nil
                defer { plan.close() }
                let partial = plan.partial
                support.onSignal {
                    if let partial { try? FileSystemPath.remove(partial) }
                    line.finish()
                }
                do {
                    try withProgress(line, total: there.size) {
                        try RemoteMirrorTarget.run(plan.side, sourceSize: there.size, channel: connection.channel, verifies: !noVerify,
                                                   threads: workers, counters: counters, transfer: $0, describe: { Self.reason($0) })
                    }
                    if let partial = plan.partial { try FileSystemPath.rename(partial, to: target) }
                } catch {
                    if let partial = plan.partial { try? FileSystemPath.remove(partial) }
                    throw error
                }
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw failure(error, host: host, pushing: pushing, connection: connection, newFile: newFile)
        }

        let outcome = Outcome(sourceBytes: sourceSize, compared: counters.bytesCompared,
                              written: summary?.written ?? counters.bytesWritten, zeroed: summary?.zeroed ?? counters.bytesZeroed,
                              verified: noVerify ? nil : (summary.map { $0.verified ?? 0 } ?? counters.bytesVerified),
                              nanoseconds: MonotonicClock.now() - start,
                              wire: Outcome.Wire(sent: connection.channel.bytesSent, received: connection.channel.bytesReceived))
        if json {
            FileDescriptor.standardOutput.writeAll(Self.json(outcome, source: source, target: target))
        } else if !quiet {
            support.complain(Self.summary(outcome, source: source, target: target))
        }
    }

    private func request(peerHoldsTarget: Bool, size: Int64, sectorSize: Int, _ connection: RemoteMirrorConnection) -> RemoteMirrorRequest {
        RemoteMirrorRequest(peerHoldsTarget: peerHoldsTarget, force: force, verifies: !noVerify, sourceSize: size,
                            sourceSectorSize: sectorSize, chunkSize: Mirror.chunkSize, path: connection.path)
    }

    /// The one line for a mirror over ssh that stopped, and its exit status: the peer's own line
    /// (prefixed by its host) when it stopped first; else this side's, after telling the peer,
    /// so that it removes what it would have left looking complete.
    private func failure(_ error: any Error, host: String, pushing: Bool, connection: RemoteMirrorConnection, newFile: Bool) -> ExitCode {
        let support = ImageCommandSupport.self
        switch error {
        case RemoteMirrorError.remoteFailed(let message, let status):
            support.complain("on \(host): \(message)")
            return ExitCode(Int32(status == 0 ? 1 : status))
        case RemoteMirrorError.connectionEnded:
            let state = pushing ? "'\(target)' may be incomplete" : (newFile ? "nothing was left at '\(target)'" : "'\(target)' is incomplete")
            support.complain("mirroring '\(source)' onto '\(target)' failed, \(state): the connection to \(host) ended before the mirror was done")
            return ExitCode(support.failed)
        default:
            connection.channel.sendFailure("the other end stopped: \(Self.reason(error))")
            let state = pushing ? "'\(target)' may be incomplete" : (newFile ? "nothing was left at '\(target)'" : "'\(target)' is incomplete")
            support.complain("mirroring '\(source)' onto '\(target)' failed, \(state): \(Self.reason(error))")
            return ExitCode(error is MirrorError ? support.damaged : support.failed)
        }
    }
}
