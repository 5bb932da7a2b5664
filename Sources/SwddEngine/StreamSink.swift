import SwddSystem

/// Writes chunks in sequence to a stream (a pipe, standard output, a child process's input):
/// a stream has no offsets, so holes and zero chunks go out as zeros.
public final class StreamSink: ChunkSink {
    private let descriptor: FileDescriptor
    private let counters: TransferCounters?

    public init(descriptor: FileDescriptor, counters: TransferCounters? = nil) {
        self.descriptor = descriptor
        self.counters = counters
    }

    public func consume(_ chunk: Chunk) throws {
        var remaining = chunk.length
        if chunk.count == chunk.length {
            try write(chunk.bytes)
            remaining = 0
        }
        if remaining > 0 {
            // A hole longer than what its buffer holds: send zeros from the buffer, refilled.
            chunk.buffer.bytes.initializeMemory(as: UInt8.self, repeating: 0)
            while remaining > 0 {
                let n = min(chunk.capacity, remaining)
                try write(UnsafeRawBufferPointer(chunk.buffer.slice(0, n)))
                remaining -= n
            }
        }
        counters?.addChunk()
    }

    private func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        do {
            try descriptor.writeAll(bytes)
        } catch {
            counters?.addWritten(error.bytesWritten)
            throw error.error
        }
        counters?.addWritten(bytes.count)
    }

    public func finish(inputError: (any Error)?) throws {
        if let inputError { throw inputError }
    }
}

/// Takes chunks and drops them (a read-only pass: verify, bench-style reads); counts them.
public final class NullSink: ChunkSink {
    private let counters: TransferCounters?
    public init(counters: TransferCounters? = nil) { self.counters = counters }
    public var acceptsChunksOutOfOrder: Bool { true }
    public func consume(_ chunk: Chunk) throws {
        counters?.addSkipped(chunk.length)
        counters?.addChunk()
    }
    public func finish(inputError: (any Error)?) throws {
        if let inputError { throw inputError }
    }
}
