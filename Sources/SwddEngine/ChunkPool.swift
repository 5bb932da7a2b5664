import SwddSystem

/// A fixed set of chunks allocated up front. Memory stays flat whatever the input size and
/// however many workers run: the reader waits for a free chunk when the rest of the pipeline
/// is behind (back-pressure).
public final class ChunkPool: @unchecked Sendable {
    public let chunkSize: Int
    public private(set) var chunkCount: Int
    private let alignment: Int
    private let monitor = ThreadMonitor()
    private var free: [Chunk] = []
    private var shutDownCalled = false

    public enum AllocationError: Error, Equatable { case outOfMemory(bytes: Int) }

    /// `chunkSize` bytes each, aligned for O_DIRECT on the devices involved.
    public init(chunkCount: Int, chunkSize: Int, alignment: Int) throws(AllocationError) {
        self.chunkSize = chunkSize
        self.chunkCount = chunkCount
        self.alignment = alignment
        free.reserveCapacity(chunkCount)
        for _ in 0..<chunkCount {
            guard let buffer = AlignedBuffer(capacity: chunkSize, alignment: alignment) else {
                throw .outOfMemory(bytes: chunkSize)
            }
            free.append(Chunk(buffer: buffer))
        }
    }

    /// Adds chunks up to `count` in all, stopping quietly at the first that cannot be allocated,
    /// and returns the count reached. Chunks beyond one only add overlap, so a front end that must
    /// run wherever a single buffer fits (dd) makes the pool with its minimum and grows it here,
    /// after its other essential buffers. Call before the pool is handed to a pipeline.
    @discardableResult
    public func grow(toChunkCount count: Int) -> Int {
        while chunkCount < count, let buffer = AlignedBuffer(capacity: chunkSize, alignment: alignment) {
            monitor.withLock { free.append(Chunk(buffer: buffer)) }
            chunkCount += 1
        }
        return chunkCount
    }

    /// A free chunk, emptied; waits while all are in use; nil once the pool is shut down.
    public func take() -> Chunk? {
        let chunk: Chunk? = monitor.withLock {
            while free.isEmpty && !shutDownCalled { monitor.wait() }
            return shutDownCalled ? nil : free.removeLast()
        }
        chunk?.reset()
        return chunk
    }

    public func give(_ chunk: Chunk) {
        monitor.withLock {
            free.append(chunk)
            monitor.broadcast()
        }
    }

    /// Chunks not in use right now (all of them once a run has ended).
    public var freeCount: Int { monitor.withLock { free.count } }

    /// Wakes a reader waiting for a chunk so it can stop; later takes return nil.
    public func shutDown() {
        monitor.withLock {
            shutDownCalled = true
            monitor.broadcast()
        }
    }
}
