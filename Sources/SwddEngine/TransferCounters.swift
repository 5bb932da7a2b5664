import Synchronization

/// Bytes and chunks moved, updated by sources and sinks on their threads and read at any time
/// by one progress printer (and the front end's summary). Atomics: a reading never blocks I/O.
public final class TransferCounters: Sendable {
    private let read = Atomic<Int64>(0)
    private let written = Atomic<Int64>(0)
    private let skipped = Atomic<Int64>(0)
    private let chunks = Atomic<Int64>(0)

    public init() {}

    /// Bytes taken from the source (holes not included: they are never read).
    public var bytesRead: Int64 { read.load(ordering: .relaxed) }
    /// Bytes of the stream the sink has dealt with: written, or (holes, zeros) skipped.
    public var bytesDone: Int64 { written.load(ordering: .relaxed) + skipped.load(ordering: .relaxed) }
    /// Bytes the sink wrote.
    public var bytesWritten: Int64 { written.load(ordering: .relaxed) }
    /// Bytes the sink did not need to write (holes kept, zeros punched or left).
    public var bytesSkipped: Int64 { skipped.load(ordering: .relaxed) }
    public var chunksDone: Int64 { chunks.load(ordering: .relaxed) }

    public func addRead(_ bytes: Int) { read.add(Int64(bytes), ordering: .relaxed) }
    public func addWritten(_ bytes: Int) { written.add(Int64(bytes), ordering: .relaxed) }
    public func addSkipped(_ bytes: Int) { skipped.add(Int64(bytes), ordering: .relaxed) }
    public func addChunk() { chunks.add(1, ordering: .relaxed) }

    /// Back to nothing moved: a run that starts over reports only its second attempt.
    public func reset() {
        read.store(0, ordering: .relaxed)
        written.store(0, ordering: .relaxed)
        skipped.store(0, ordering: .relaxed)
        chunks.store(0, ordering: .relaxed)
    }
}
