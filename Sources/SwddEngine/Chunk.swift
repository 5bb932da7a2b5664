import SwddSystem

/// A unit of data moving through the pipeline: an aligned buffer from the pool, the bytes
/// that are valid in it, and the I/O units those bytes are made of.
///
/// A chunk has one owner at a time: the reader fills it, hands it through the queue to the
/// consumer, which returns it to the pool. That single-owner rule is why it may cross threads.
public final class Chunk: @unchecked Sendable {
    public let buffer: AlignedBuffer
    /// Valid bytes, from `buffer.base`.
    public var count: Int = 0
    /// The reads that filled the chunk (source side) or the writes to issue (sink side), in order.
    /// Empty means "one unit, the whole chunk".
    public var units = UnitRuns()

    public init(buffer: AlignedBuffer) { self.buffer = buffer }

    public var capacity: Int { buffer.capacity }
    public var base: UnsafeMutableRawPointer { buffer.base }
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: buffer.base, count: count) }
    public var freeSpace: Int { buffer.capacity - count }

    /// Empties the chunk for reuse.
    public func reset() {
        count = 0
        units.removeAll()
    }
}
