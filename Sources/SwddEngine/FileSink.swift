import SwddSystem

/// Writes each chunk at its own offset (`pwrite`) in a regular file or block device, so chunks
/// may arrive in any order. `chunk.offset + offsetShift` is where a chunk lands: restoring an
/// image to a partition starts at 0, writing a copy at `seek=` further in.
///
/// Zero-only chunks follow the `ZeroPolicy`; a chunk marked `UnchangedAtTarget` is not written
/// at all (counted as skipped). At the end a regular file is extended to the end
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
    /// Zero chunks not yet punched or zeroed, gathered while they arrive back to back.
    private var pendingZeros: Range<Int64>?

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
        if chunk.attachments[UnchangedAtTarget.self] != nil {
            counters?.addSkipped(chunk.length)
            counters?.addChunk()
            return
        }
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
        // With a sync at the end, start writeback as we go, so that sync waits for the last
        // stretch only (chunks land anywhere: the whole file is asked for, cheaply).
        unstarted += bytes.count
        if syncsAtEnd && unstarted >= 16 << 20 {
            descriptor.startWriteback(offset: 0, length: 0)
            unstarted = 0
        }
    }

    private var unstarted = 0

    private func writeZeros(_ chunk: Chunk, at offset: Int64) throws(SystemError) {
        let length = chunk.length
        switch zeros {
        case .skip:
            counters?.addSkipped(length)
        case .punchHoles, .zeroOutDevice:
            // Adjacent zero chunks become one call: each BLKZEROOUT or punch is a synchronous
            // round trip (a loop device's costs a journal transaction on its backing file).
            if let pending = pendingZeros, pending.upperBound == offset {
                pendingZeros = pending.lowerBound..<(offset + Int64(length))
            } else {
                try flushPendingZeros()
                pendingZeros = offset..<(offset + Int64(length))
            }
        case .write:
            if chunk.count == chunk.length {
                try write(chunk.bytes, at: offset)
            } else {
                try writeZeroBytes(at: offset, length: length)
            }
        }
    }

    /// Punches or zeroes the zero range gathered so far.
    private func flushPendingZeros() throws(SystemError) {
        guard let range = pendingZeros else { return }
        pendingZeros = nil
        let length = range.upperBound - range.lowerBound
        if zeros == .punchHoles {
            try descriptor.punchHole(offset: range.lowerBound, length: length)
        } else {
            if deviceZeroOutWorks {
                do {
                    try descriptor.zeroOut(offset: UInt64(range.lowerBound), length: UInt64(length))
                    counters?.addSkipped(Int(length))
                    return
                } catch {
                    // Not every device or kernel has it (EOPNOTSUPP, ENOTTY), and a device a mounted
                    // filesystem holds (written only when forced) refuses it with EBUSY, as the
                    // kernel would have to drop that filesystem's cached pages: write the zeros.
                    guard [.notSupported, .inappropriateIOCTLForDevice, .invalidArgument, .resourceBusy].contains(error.code) else { throw error }
                    deviceZeroOutWorks = false
                }
            }
            try writeZeroBytes(at: range.lowerBound, length: Int(length))
            return
        }
        counters?.addSkipped(Int(length))
    }

    /// Writes `length` zeros from a zero buffer, as many times as it takes.
    private func writeZeroBytes(at offset: Int64, length: Int) throws(SystemError) {
        if zeroBuffer == nil {
            zeroBuffer = AlignedBuffer(capacity: 1 << 20, alignment: 4096)
            zeroBuffer?.bytes.initializeMemory(as: UInt8.self, repeating: 0)
        }
        guard let zeroBuffer else { throw SystemError("write", path: descriptor.path, code: .noMemory) }
        var done = 0
        while done < length {
            let n = min(zeroBuffer.capacity, length - done)
            try write(UnsafeRawBufferPointer(zeroBuffer.slice(0, n)), at: offset + Int64(done))
            done += n
        }
    }

    /// `fdatasync` now: what was written so far is on the disk.
    public func syncNow() throws(SystemError) {
        try flushPendingZeros()
        try descriptor.syncData()
    }

    public func finish(inputError: (any Error)?) throws {
        try flushPendingZeros()
        if extendsFile, (try descriptor.status()).size < furthestEnd {
            try descriptor.truncate(to: furthestEnd)
        }
        if syncsAtEnd { try descriptor.syncData() }
        if let inputError { throw inputError }
    }
}
