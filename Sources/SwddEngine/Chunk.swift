import SwddSystem

/// What a stretch of the source holds: decided by the source, so that later stages and sinks
/// can skip work (a hole is never read, compressed, hashed twice or written to a sparse sink).
public enum ChunkKind: Sendable, Equatable {
    /// Bytes read from the source, in the buffer.
    case data
    /// Bytes read from the source and found to be all zero (devices have no holes; this is
    /// their cheap equivalent). The buffer holds the zeros.
    case zero
    /// A hole of the source (`SEEK_HOLE`): its bytes read as zeros and were never read. The
    /// buffer holds them only after `materializeZeros()`.
    case hole
}

/// A unit of data moving through the engine: an aligned buffer from the pool, where in the
/// source it comes from, what it holds, and what the front end and the stages attached to it.
///
/// A chunk has one owner at a time: the reader fills it, a stage or the sink takes it from a
/// queue, and the sink's thread returns it to the pool. That rule is why it may cross threads.
public final class Chunk: @unchecked Sendable {
    public let buffer: AlignedBuffer
    /// Valid bytes in the buffer, from `buffer.base`.
    public var count: Int = 0
    /// Position of the chunk's first byte in the source: the absolute offset for files and
    /// devices, the bytes read before it for streams. Set by the source.
    public var offset: Int64 = 0
    /// Order of the chunk in the source's output, from 0; set by the engine as the chunk
    /// leaves the reader. Parallel stages finish out of order; sinks that need order get the
    /// chunks back in sequence.
    public internal(set) var sequence: Int = 0
    public private(set) var kind: ChunkKind = .data
    private var holeLength = 0
    /// The front end's own bookkeeping for this chunk (dd: the records its reads were made of).
    public var annotation: (any Sendable)?
    /// What stages attached: a compressed frame, block digests, … (see `ChunkAttachments`).
    public var attachments = ChunkAttachments()

    public init(buffer: AlignedBuffer) { self.buffer = buffer }

    public var capacity: Int { buffer.capacity }
    public var base: UnsafeMutableRawPointer { buffer.base }
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: buffer.base, count: count) }
    public var freeSpace: Int { buffer.capacity - count }

    /// Bytes of the source the chunk stands for: its valid bytes, or a hole's length.
    public var length: Int { kind == .hole ? max(holeLength, count) : count }
    public var end: Int64 { offset + Int64(length) }

    /// Marks the chunk as a hole of `length` bytes at `offset`, with nothing in the buffer.
    /// A hole may be longer than the buffer: nothing needs to hold it.
    public func markHole(at offset: Int64, length: Int) {
        self.offset = offset
        kind = .hole
        holeLength = length
        count = 0
    }

    /// Marks read data as all zero (found by the source, e.g. with `isAllZero`).
    public func markZero() { if kind == .data { kind = .zero } }

    /// Puts a hole's zeros in the buffer, for consumers that need the bytes (dd's conversions,
    /// a stream sink). The hole must fit the buffer.
    public func materializeZeros() {
        guard kind == .hole, count < holeLength else { return }
        (base + count).initializeMemory(as: UInt8.self, repeating: 0, count: holeLength - count)
        count = holeLength
    }

    /// Empties the chunk for reuse.
    public func reset() {
        count = 0
        offset = 0
        sequence = 0
        kind = .data
        holeLength = 0
        annotation = nil
        attachments.removeAll()
    }
}
