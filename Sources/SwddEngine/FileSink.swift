import SwddSystem

/// Writes each chunk at its own offset (`pwrite`) in a regular file or block device, so chunks
/// may arrive in any order. `chunk.offset + offsetShift` is where a chunk lands: restoring an
/// image to a partition starts at 0, writing a copy at `seek=` further in.
///
/// Zero-only chunks follow the `ZeroPolicy`. At the end a regular file is extended to the end
/// of the last chunk, so trailing holes still give the file its size (zstd's last-zero-byte
/// trick, done with `ftruncate`).
public final class FileSink: ChunkSink {
    private let descriptor: FileDescriptor
    private let offsetShift: Int64
    private let zeros: ZeroPolicy
    private let extendsFile: Bool
    private let syncsAtEnd: Bool
    private let counters: TransferCounters?
    private var furthestEnd: Int64 = 0
    /// Zeros to write from when a hole must be written and its chunk holds no bytes.
    private var zeroBuffer: AlignedBuffer?
    private var deviceZeroOutWorks = true

    public var acceptsChunksOutOfOrder: Bool { true }

    /// - Parameters:
    ///   - extendsFile: the target is a regular file whose size should reach the last chunk's end.
    ///   - syncsAtEnd: `fdatasync` before `finish` returns, so "done" means on the disk.
    public init(descriptor: FileDescriptor, offsetShift: Int64 = 0, zeros: ZeroPolicy, extendsFile: Bool,
                syncsAtEnd: Bool = false, counters: TransferCounters? = nil) {
        self.descriptor = descriptor
        self.offsetShift = offsetShift
        self.zeros = zeros
        self.extendsFile = extendsFile
        self.syncsAtEnd = syncsAtEnd
        self.counters = counters
    }

    public func consume(_ chunk: Chunk) throws {
        let at = chunk.offset + offsetShift
        furthestEnd = max(furthestEnd, at + Int64(chunk.length))
        switch chunk.kind {
        case .data:
            try write(chunk.bytes, at: at)
        case .zero, .hole:
            try writeZeros(chunk, at: at)
        }
        counters?.addChunk()
    }

    private func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(SystemError) {
        do {
            try descriptor.writeAll(toAbsoluteOffset: offset, bytes)
        } catch {
            counters?.addWritten(error.bytesWritten)
            throw error.error
        }
        counters?.addWritten(bytes.count)
    }

    private func writeZeros(_ chunk: Chunk, at offset: Int64) throws(SystemError) {
        let length = chunk.length
        switch zeros {
        case .skip:
            counters?.addSkipped(length)
        case .punchHoles:
            try descriptor.punchHole(offset: offset, length: Int64(length))
            counters?.addSkipped(length)
        case .zeroOutDevice:
            if deviceZeroOutWorks {
                do {
                    try descriptor.zeroOut(offset: UInt64(offset), length: UInt64(length))
                    counters?.addSkipped(length)
                    return
                } catch {
                    // Not every device or kernel has it (EOPNOTSUPP, ENOTTY): write the zeros.
                    guard [.notSupported, .inappropriateIOCTLForDevice, .invalidArgument].contains(error.code) else { throw error }
                    deviceZeroOutWorks = false
                }
            }
            try writeZeroBytes(chunk, at: offset)
        case .write:
            try writeZeroBytes(chunk, at: offset)
        }
    }

    /// Writes a zero chunk's bytes: its own buffer when it holds them, else a zero buffer as
    /// many times as the hole needs (a hole may be longer than any buffer).
    private func writeZeroBytes(_ chunk: Chunk, at offset: Int64) throws(SystemError) {
        if chunk.count == chunk.length {
            try write(chunk.bytes, at: offset)
            return
        }
        if zeroBuffer == nil {
            zeroBuffer = AlignedBuffer(capacity: max(chunk.capacity, 4096), alignment: 4096)
            zeroBuffer?.bytes.initializeMemory(as: UInt8.self, repeating: 0)
        }
        guard let zeroBuffer else { throw SystemError("write", path: descriptor.path, code: .noMemory) }
        var done = 0
        while done < chunk.length {
            let n = min(zeroBuffer.capacity, chunk.length - done)
            try write(UnsafeRawBufferPointer(zeroBuffer.slice(0, n)), at: offset + Int64(done))
            done += n
        }
    }

    /// `fdatasync` now: what was written so far is on the disk.
    public func syncNow() throws(SystemError) { try descriptor.syncData() }

    public func finish(inputError: (any Error)?) throws {
        if extendsFile, (try descriptor.status()).size < furthestEnd {
            try descriptor.truncate(to: furthestEnd)
        }
        if syncsAtEnd { try descriptor.syncData() }
        if let inputError { throw inputError }
    }
}
