import SwddEngine
import SwddSystem
import Synchronization

/// The parallel stage of a mirror's first pass: reads the same range of the target as each
/// source chunk holds (`pread` into a scratch buffer of the worker's own) and compares. A chunk
/// the target already holds is marked `UnchangedAtTarget`, so the file sink writes nothing for
/// it; a differing one goes on to be written, and its range and digest go into the write log
/// for the read-back.
///
/// Zeros are compared as zeros: a source hole or zero chunk matches a target range that reads
/// as zeros, and where it does not, it reaches the sink as zeros (punched or `BLKZEROOUT`).
/// A regular file's target holes are found with `SEEK_DATA` and never read.
final class MirrorComparisonStage: ChunkStage {
    private let target: MirrorSide
    private let log: MirrorWriteLog
    private let counters: MirrorCounters
    private let scratch: MirrorScratchBuffers

    init(target: MirrorSide, chunkSize: Int, log: MirrorWriteLog, counters: MirrorCounters) {
        self.target = target
        self.log = log
        self.counters = counters
        scratch = MirrorScratchBuffers(capacity: chunkSize)
    }

    func process(_ chunk: Chunk) throws {
        let length = chunk.length
        let sourceIsZeros = chunk.kind != .data
        let same: Bool
        if target.isRegularFile, try target.reader.nextDataExtent(from: chunk.offset, limit: chunk.end) == nil {
            // Nothing but a hole there: the target reads as zeros without being read.
            same = sourceIsZeros
        } else {
            let buffer = try scratch.take()
            defer { scratch.give(buffer) }
            try target.readExactly(at: chunk.offset, length: length, into: buffer)
            same = sourceIsZeros ? isAllZero(buffer.base, count: length) : bytesAreEqual(chunk.base, buffer.base, count: length)
        }
        counters.addCompared(length)
        if same {
            chunk.attachments[UnchangedAtTarget.self] = UnchangedAtTarget()
        } else {
            let expected = sourceIsZeros ? MirrorExpectedBytes.zeros : MirrorExpectedBytes(digest: MirrorExpectedBytes.digest(of: chunk.bytes))
            log.record(MirrorWriteLog.Entry(offset: chunk.offset, length: length, expected: expected))
            counters.addWritten(length, zeros: sourceIsZeros)
        }
    }
}
