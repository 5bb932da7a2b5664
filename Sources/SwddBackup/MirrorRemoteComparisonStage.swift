import SwddEngine
import SwddImage
import SwddSystem

/// A chunk of the source that the target does not hold, ready to go: what it must hash to, and
/// its zstd frame (empty for zeros).
struct MirrorOutgoingBlock: Sendable {
    var expected: MirrorExpectedBytes
    var frame: [UInt8]
}

/// The parallel stage of the source's side of a remote mirror: each source chunk compared with
/// the target's digest of the same range (waited for, as it arrives). A chunk the target holds
/// is marked `UnchangedAtTarget` and goes no further; a differing one is compressed into a
/// frame by the image codec (`ZstdCodec`, level 1) and attached for `MirrorBlockSender`.
/// Zeros are compared as zeros, as the local mirror compares them: a source hole or zero chunk
/// matches a target chunk of zeros, and where it does not, only that it is zeros is sent.
final class MirrorRemoteComparisonStage: ChunkStage {
    private let digests: RemoteMirrorDigests
    private let codec = ZstdCodec(level: 1)
    private let counters: MirrorCounters

    init(digests: RemoteMirrorDigests, counters: MirrorCounters) {
        self.digests = digests
        self.counters = counters
    }

    func process(_ chunk: Chunk) throws {
        let length = chunk.length
        let target = try digests.take(offset: chunk.offset)
        guard target.length == length else { throw RemoteMirrorError.unexpected("a digest of \(target.length) bytes at byte \(chunk.offset)") }
        counters.addCompared(length)
        let sourceIsZeros = chunk.kind != .data
        let expected = sourceIsZeros ? MirrorExpectedBytes.zeros : MirrorExpectedBytes(digest: MirrorExpectedBytes.digest(of: chunk.bytes))
        if expected == target.expected {
            chunk.attachments[UnchangedAtTarget.self] = UnchangedAtTarget()
            return
        }
        var frame: [UInt8] = []
        if !sourceIsZeros {
            frame = [UInt8](repeating: 0, count: ZstdCodec.bound(length))
            let size = try frame.withUnsafeMutableBytes { try codec.compress(chunk.bytes, into: $0) }
            frame.removeLast(frame.count - size)
        }
        chunk.attachments[MirrorOutgoingBlock.self] = MirrorOutgoingBlock(expected: expected, frame: frame)
        counters.addWritten(length, zeros: sourceIsZeros)
    }
}
