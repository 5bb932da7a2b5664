import SwddEngine
import SwddSystem

/// The parallel stage by which the side holding a remote mirror's target hashes it: each chunk
/// as the target holds it gets what it holds attached (`MirrorExpectedBytes`: zeros, or the
/// XXH3-128 digest of its bytes), for `MirrorDigestSender` to send to the source's side.
final class MirrorDigestStage: ChunkStage {
    private let counters: MirrorCounters

    init(counters: MirrorCounters) { self.counters = counters }

    func process(_ chunk: Chunk) throws {
        // The reader marks holes and all-zero chunks: zeros need no digest.
        chunk.attachments[MirrorExpectedBytes.self] = chunk.kind == .data
            ? MirrorExpectedBytes(digest: MirrorExpectedBytes.digest(of: chunk.bytes)) : .zeros
        counters.addCompared(chunk.length)
    }
}
