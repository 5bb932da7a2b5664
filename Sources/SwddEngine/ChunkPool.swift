import SwddSystem

/// A fixed set of chunks allocated up front. Memory stays flat whatever the input size:
/// the reader waits for a free chunk when the consumer is behind (back-pressure).
public final class ChunkPool: @unchecked Sendable {
    private let free: SignalingQueue<Chunk>
    public let chunkSize: Int
    public let chunkCount: Int

    public enum AllocationError: Error, Equatable { case outOfMemory(bytes: Int) }

    /// `chunkSize` bytes each, aligned for O_DIRECT on the devices involved.
    public init(chunkCount: Int, chunkSize: Int, alignment: Int) throws(AllocationError) {
        free = SignalingQueue(capacity: chunkCount)
        self.chunkSize = chunkSize
        self.chunkCount = chunkCount
        for _ in 0..<chunkCount {
            guard let buffer = AlignedBuffer(capacity: chunkSize, alignment: alignment) else {
                throw .outOfMemory(bytes: chunkSize)
            }
            free.put(Chunk(buffer: buffer))
        }
    }

    /// A free chunk, emptied; waits while all are in use; nil once the pool is shut down.
    public func take() -> Chunk? {
        guard let chunk = free.take() else { return nil }
        free.markDone()
        chunk.reset()
        return chunk
    }

    public func give(_ chunk: Chunk) { free.put(chunk) }

    /// Wakes a reader waiting for a chunk so it can stop.
    public func shutDown() { free.close() }
}
