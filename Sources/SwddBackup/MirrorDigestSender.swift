import SwddEngine

/// The sink of the target's hashing plan: one `digest` message per chunk, in offset order, to
/// the side holding the source.
final class MirrorDigestSender: ChunkSink {
    private let channel: RemoteMirrorChannel

    init(channel: RemoteMirrorChannel) { self.channel = channel }

    func consume(_ chunk: Chunk) throws {
        guard let expected = chunk.attachments[MirrorExpectedBytes.self] else { throw RemoteMirrorError.unexpected("a chunk without its digest") }
        try channel.send(.digest(offset: chunk.offset, length: chunk.length, expected: expected))
    }

    func finish(inputError: (any Error)?) throws {
        if let inputError { throw inputError }
    }
}
