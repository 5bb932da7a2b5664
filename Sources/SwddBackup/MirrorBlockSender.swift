import SwddEngine

/// The sink of the source's side of a remote mirror: each differing chunk as a `block` message,
/// in offset order; chunks the target holds are not sent. At a clean end, `done` with the bytes
/// compared; at a read error, nothing more (the caller sends the failure line).
final class MirrorBlockSender: ChunkSink {
    private let channel: RemoteMirrorChannel
    private let counters: MirrorCounters
    private let transfer: TransferCounters

    init(channel: RemoteMirrorChannel, counters: MirrorCounters, transfer: TransferCounters) {
        self.channel = channel
        self.counters = counters
        self.transfer = transfer
    }

    func consume(_ chunk: Chunk) throws {
        defer { transfer.addChunk() }
        guard let block = chunk.attachments[MirrorOutgoingBlock.self] else {
            transfer.addSkipped(chunk.length)
            return
        }
        try channel.send(.block(offset: chunk.offset, length: chunk.length, expected: block.expected, frame: block.frame))
        transfer.addWritten(chunk.length)
    }

    func finish(inputError: (any Error)?) throws {
        if let inputError { throw inputError }
        try channel.send(.done(compared: counters.bytesCompared))
    }
}
