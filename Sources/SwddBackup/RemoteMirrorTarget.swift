import SwddEngine
import SwddImage
import SwddSystem
import Synchronization

/// The half of a remote mirror run where the target is (the peer for `mirror SRC ssh://…`, this
/// end for `mirror ssh://… DST`), as two plans on the engine at once:
///
/// - hashing: `ExtentSource` over the target's first `sourceSize` bytes (holes never read) →
///   `MirrorDigestStage`, parallel → `MirrorDigestSender`: a digest per chunk to the source's side;
/// - writing: `MirrorBlockSource` (the blocks that side found different) → `MirrorBlockDecodingStage`,
///   parallel → `FirstChunkLastSink` over `FileSink` (zeros punched or `BLKZEROOUT`), synced.
///
/// A block is sent only after its digest, so the writes land on chunks already hashed. Then,
/// unless told not to, the chunks written are read back past the page cache and checked, as the
/// local mirror's `Mirror.verify` does (it is that function).
public enum RemoteMirrorTarget {
    /// Runs both plans and the read-back. Which targets may be written was decided before
    /// (`MirrorSide` opened for writing). `describe` words an error for the failure line the
    /// source's side is sent when the hashing stops.
    public static func run(_ target: MirrorSide, sourceSize: Int64, channel: RemoteMirrorChannel, verifies: Bool, threads: Int,
                           counters: MirrorCounters, transfer: TransferCounters,
                           describe: @escaping @Sendable (any Error) -> String) throws {
        guard let writer = target.writer else { throw SystemError("write", path: target.path, code: .badFileDescriptor) }
        if target.isRegularFile && target.size != sourceSize { try writer.truncate(to: sourceSize) }
        let workers = max(1, threads)

        let hashing = HandedOver(Pipeline(pool: try Mirror.pool(workers),
                               source: ExtentSource(descriptor: target.reader, range: 0..<sourceSize, seeksHoles: target.isRegularFile,
                                                    detectsZeros: true, readAlignment: target.readAlignment, counters: transfer),
                               steps: [PipelineStep(MirrorDigestStage(counters: counters), threading: .parallel(workers: workers))],
                               sink: MirrorDigestSender(channel: channel, transfer: transfer)))
        let hashingFailure = Mutex<(any Error)?>(nil)
        guard let hasher = IOThread.start({
            do {
                try hashing.value.run()
            } catch {
                hashingFailure.withLock { $0 = error }
                // The source's side waits for digests: it must hear why none will come.
                channel.sendFailure(describe(error))
            }
        }) else { throw Pipeline.Failure.threadUnavailable }

        let log = MirrorWriteLog()
        let blocks = MirrorBlockSource(channel: channel, size: sourceSize, chunkSize: Mirror.chunkSize)
        let files = FileSink(descriptor: writer, zeros: target.isRegularFile ? .punchHoles : .zeroOutDevice, extendsFile: false,
                             syncsAtEnd: true)
        do {
            try Pipeline(pool: try Mirror.pool(workers), source: blocks,
                         steps: [PipelineStep(MirrorBlockDecodingStage(log: log, counters: counters), threading: .parallel(workers: workers))],
                         sink: try FirstChunkLastSink(files, chunkSize: Mirror.chunkSize)).run()
        } catch {
            // The hasher may be blocked writing to a side that has gone: it is left, not joined.
            hasher.detach()
            // The source's side's own failure line says most; then the hashing's failure, which
            // the source's side stopped on; then this one.
            if case RemoteMirrorError.remoteFailed = error { throw error }
            throw hashingFailure.withLock { $0 } ?? error
        }
        hasher.join()
        if let failure = hashingFailure.withLock({ $0 }) { throw failure }
        if verifies {
            try Mirror.verify(Mirror.Pass(written: log.inOffsetOrder), target: target, threads: workers, counters: counters,
                              transfer: TransferCounters())
        }
    }
}

/// A value given to another thread and used there only (a pipeline, which is not `Sendable`
/// because its parts are used by the threads it starts).
private final class HandedOver<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
