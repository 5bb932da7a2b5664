import SwddEngine

/// The sink of the target's hashing plan: one `digest` message per chunk, in offset order, to
/// the side holding the source. Each chunk hashed counts as done in `transfer`, for the progress
/// line of the end where the target is.
final class MirrorDigestSender: ChunkSink {
    private let channel: RemoteMirrorChannel
    private let transfer: TransferCounters

    init(channel: RemoteMirrorChannel, transfer: TransferCounters) {
        self.channel = channel
        self.transfer = transfer
    }

    func consume(_ chunk: Chunk) throws {
        guard let expected = chunk.attachments[MirrorExpectedBytes.self] else { throw RemoteMirrorError.unexpected("a chunk without its digest") }
        try channel.send(.digest(offset: chunk.offset, length: chunk.length, expected: expected))
        transfer.addSkipped(chunk.length)
        transfer.addChunk()
    }

    func finish(inputError: (any Error)?) throws {
        if let inputError { throw inputError }
    }
}
