import SwddEngine
import SwddSystem

/// The read-back's parallel stage: each chunk the first pass wrote, as the target now holds it,
/// checked against what was written there (zeros, or the digest of the source's bytes).
final class MirrorVerificationStage: ChunkStage {
    private let targetPath: String
    private let counters: MirrorCounters

    init(targetPath: String, counters: MirrorCounters) {
        self.targetPath = targetPath
        self.counters = counters
    }

    func process(_ chunk: Chunk) throws {
        // The read-back source attaches what every chunk must hold; one without it is unchecked,
        // and unchecked is not verified.
        let expected = chunk.attachments[MirrorExpectedBytes.self]
        let holds = if let digest = expected?.digest {
            MirrorExpectedBytes.digest(of: chunk.bytes) == digest
        } else {
            expected != nil && isAllZero(chunk.base, count: chunk.count)
        }
        guard holds else { throw MirrorError.readBackMismatch(path: targetPath, offset: chunk.offset, length: chunk.count) }
        counters.addVerified(chunk.count)
    }
}
