import SwddEngine
import SwddSystem

/// A block the source's side sent, before it is decoded: what its bytes must hash to, and
/// their zstd frame.
struct MirrorIncomingBlock: Sendable {
    var expected: MirrorExpectedBytes
    var frame: [UInt8]
}

/// The source of the target's writing plan: the `block` messages from the side holding the
/// source, each a chunk at its offset — a hole for zeros, else the frame attached for
/// `MirrorBlockDecodingStage` — until `done`. A block off the chunk grid or past the source's
/// size is refused, never written; the stream ending before `done`, or the other side's
/// failure line, ends the input with that error (so nothing looks complete).
final class MirrorBlockSource: ChunkSource {
    private let channel: RemoteMirrorChannel
    private let size: Int64
    private let chunkSize: Int
    /// Bytes the source's side compared, from its `done`.
    private(set) var compared: Int64?

    init(channel: RemoteMirrorChannel, size: Int64, chunkSize: Int) {
        self.channel = channel
        self.size = size
        self.chunkSize = chunkSize
    }

    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        switch try channel.receive() {
        case .block(let offset, let length, let expected, let frame):
            guard offset >= 0, offset % Int64(chunkSize) == 0, length > 0, length <= min(chunkSize, chunk.capacity),
                  offset + Int64(length) <= size else {
                throw RemoteMirrorError.unexpected("a block at byte \(offset) of \(length) bytes")
            }
            if expected.digest == nil {
                chunk.markHole(at: offset, length: length)
            } else {
                chunk.offset = offset
                chunk.count = length
                chunk.attachments[MirrorIncomingBlock.self] = MirrorIncomingBlock(expected: expected, frame: frame)
            }
            return .more
        case .done(let compared):
            self.compared = compared
            return .end
        case .failure(let status, let message):
            throw RemoteMirrorError.remoteFailed(message, status: status)
        case nil:
            throw RemoteMirrorError.connectionEnded
        case .some(let other):
            throw RemoteMirrorError.unexpected("'\(Character(Unicode.Scalar(other.tag)))'")
        }
    }
}
