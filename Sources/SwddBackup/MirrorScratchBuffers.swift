import SwddEngine
import SwddSystem
import Synchronization

/// Aligned buffers for the comparison workers, one per worker at a time: taken for a chunk,
/// given back after it. Allocated as the workers first need them, so there are never more than
/// there are workers.
final class MirrorScratchBuffers: Sendable {
    private let capacity: Int
    private let free = Mutex<[AlignedBuffer]>([])

    init(capacity: Int) { self.capacity = capacity }

    func take() throws -> AlignedBuffer {
        if let buffer = free.withLock({ $0.popLast() }) { return buffer }
        guard let buffer = AlignedBuffer(capacity: capacity, alignment: max(4096, AlignedBuffer.pageSize)) else {
            throw ChunkPool.AllocationError.outOfMemory(bytes: capacity)
        }
        return buffer
    }

    func give(_ buffer: AlignedBuffer) {
        free.withLock { $0.append(buffer) }
    }
}
