import SwddEngine
import SwddSystem

/// The half of a remote mirror run where the source is (this end for `mirror SRC ssh://…`, the
/// peer for `mirror ssh://… DST`), as one plan on the engine: `ExtentSource` over the source
/// (holes never read, zero chunks marked) → `MirrorRemoteComparisonStage`, parallel, each chunk
/// against the target's digest → `MirrorBlockSender`, in order: only the differing chunks cross
/// the connection. The target's digests are read by a thread of their own (`RemoteMirrorDigests`).
public enum RemoteMirrorSource {
    /// Runs the plan and sends `done`; with `awaitsSummary` (the target is on the other side and
    /// answers), waits for the target's summary and returns it.
    public static func run(_ source: MirrorSide, channel: RemoteMirrorChannel, threads: Int, awaitsSummary: Bool,
                           counters: MirrorCounters, transfer: TransferCounters) throws -> RemoteMirrorSummary? {
        let workers = max(1, threads)
        let digests = RemoteMirrorDigests()
        // Left running at the end: it is blocked reading until the other side closes.
        guard let reader = IOThread.start({ digests.read(from: channel) }) else { throw Pipeline.Failure.threadUnavailable }
        reader.detach()
        let plan = Pipeline(pool: try Mirror.pool(workers),
                            source: ExtentSource(descriptor: source.reader, range: 0..<source.size, seeksHoles: source.isRegularFile,
                                                 detectsZeros: true, readAlignment: source.readAlignment, counters: transfer),
                            steps: [PipelineStep(MirrorRemoteComparisonStage(digests: digests, counters: counters),
                                                 threading: .parallel(workers: workers))],
                            sink: MirrorBlockSender(channel: channel, counters: counters, transfer: transfer))
        do {
            try plan.run()
        } catch RemoteMirrorError.connectionEnded {
            // The target's side may have sent why it stopped just before it went: its line,
            // read by now or in a moment, says more than the broken pipe.
            throw digests.reasonTheStreamEnded(waitingUpTo: 2_000_000_000) ?? RemoteMirrorError.connectionEnded
        } catch {
            digests.abandon(error)
            throw error
        }
        return awaitsSummary ? try digests.awaitSummary() : nil
    }
}
