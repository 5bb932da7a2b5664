import SwddEngine
import SwddImage
import SwddSystem

/// The parallel stage of the target's writing plan: a block's frame decoded into its chunk
/// (the image codec, `ZstdCodec`) and checked against the digest the source's side sent, so a
/// block damaged on the way is never written; then recorded for the read-back, as the local
/// mirror's comparison records what it hands to the sink.
final class MirrorBlockDecodingStage: ChunkStage {
    private let codec = ZstdCodec()
    private let log: MirrorWriteLog
    private let counters: MirrorCounters

    init(log: MirrorWriteLog, counters: MirrorCounters) {
        self.log = log
        self.counters = counters
    }

    func process(_ chunk: Chunk) throws {
        let length = chunk.length
        if chunk.kind == .hole {
            log.record(MirrorWriteLog.Entry(offset: chunk.offset, length: length, expected: .zeros))
            counters.addWritten(length, zeros: true)
            return
        }
        guard let block = chunk.attachments[MirrorIncomingBlock.self] else { throw RemoteMirrorError.damagedBlock(offset: chunk.offset) }
        let decoded = try? block.frame.withUnsafeBytes { frame in
            try codec.decompress(frame, into: UnsafeMutableRawBufferPointer(start: chunk.base, count: chunk.capacity))
        }
        guard decoded == length, MirrorExpectedBytes.digest(of: chunk.bytes) == block.expected.digest else {
            throw RemoteMirrorError.damagedBlock(offset: chunk.offset)
        }
        chunk.attachments[MirrorIncomingBlock.self] = nil
        log.record(MirrorWriteLog.Entry(offset: chunk.offset, length: length, expected: block.expected))
        counters.addWritten(length, zeros: false)
    }
}
