import SwddEngine
import SwddSystem

/// dd's two-buffer path (GNU's C_TWOBUFS): converts the input stream (swab, block/unblock;
/// the translation tables ran before, in `DDTranslationStage`) and re-blocks it into output records of `obs` bytes, which it hands
/// to the writer. Stateful across chunks exactly where GNU is: the byte swab holds back, the
/// column of block/unblock, and the partly filled output block.
final class DDConverter {
    private enum Layout { case simple, block, unblock }

    private let writer: DDWriter
    private let counters: DDCounters
    private let obs: Int
    private let layout: Layout
    private let swab: Bool
    private let cbs: Int
    private let newline: UInt8
    private let space: UInt8
    /// The output block being filled (GNU's obuf), `fill` bytes used (GNU's oc).
    private let buffer: AlignedBuffer
    private var fill = 0
    /// Bytes of output handed to the writer so far (whole blocks, then the last short one).
    private var emitted: Int64 = 0
    /// Output-stream position of `buffer[0]`; with length-preserving conversions it equals the
    /// input-stream position, which lets a write failure be traced back to the records read.
    private var bufferStreamStart: Int64 = 0
    private var savedByte: UInt8?
    private var column = 0
    private var pendingSpaces = 0

    /// A write failure, with the output-stream position where the failed record ends when the
    /// conversion preserves lengths (so the consumer can tell how many input records dd read).
    struct Failure: Error {
        var failure: DDWriter.Failure
        var failedRecordStreamEnd: Int64?
        /// The last, short record failed: GNU words that one "error writing", not "writing to".
        var isFinalPartial = false
    }

    /// The output block buffer: `preferredCapacity` rounded down to whole output blocks (fewer,
    /// larger writes), else the one block GNU allocates; nil when not even that can be had.
    static func allocateBuffer(outputBlockSize obs: Int, preferredCapacity: Int, alignment: Int) -> AlignedBuffer? {
        let blocks = max(1, preferredCapacity / obs)
        if blocks > 1, let buffer = AlignedBuffer(capacity: blocks * obs, alignment: alignment) { return buffer }
        return AlignedBuffer(capacity: obs, alignment: alignment)
    }

    /// `buffer` holds a whole number of output blocks (`allocateBuffer`), so full flushes are
    /// whole records.
    init(settings: DDSettings, writer: DDWriter, counters: DDCounters, buffer: AlignedBuffer) {
        self.writer = writer
        self.counters = counters
        self.obs = settings.outputBlockSize
        let conversions = settings.conversions
        self.cbs = settings.conversionBlockSize
        if conversions.contains(.block) && cbs > 0 { layout = .block }
        else if conversions.contains(.unblock) && cbs > 0 { layout = .unblock }
        else { layout = .simple }
        self.swab = conversions.contains(.swab)
        self.newline = settings.newlineCharacter
        self.space = settings.spaceCharacter
        self.buffer = buffer
    }

    private var preservesLength: Bool { layout == .simple }

    /// The output stream's length so far: written, and gathered in the output block.
    private var produced: Int64 { emitted + Int64(fill) }

    /// After `process` with `recordEnds` (even one that failed part-way): the output stream's
    /// length once each record had been converted, as GNU converts read by read — for nocache's
    /// order of calls (`DDCacheAdvisor`). Records not reached are missing.
    private(set) var recordMarks: [Int64] = []

    /// Converts and queues for output the bytes of one input chunk. `recordEnds`, the
    /// chunk-relative ends of its records, asks for `recordMarks`; the writes stay batched.
    func process(_ chunk: Chunk, streamStart: Int64, recordEnds: [Int]? = nil) throws(Failure) {
        let base = UnsafeMutableRawPointer(chunk.base)
        var start = 0
        var count = chunk.count
        recordMarks.removeAll(keepingCapacity: true)
        if let recordEnds, layout == .simple {
            // Output is input here, less the byte swab holds back after an odd stream position.
            recordMarks = recordEnds.map { end in
                let streamEnd = streamStart + Int64(end)
                return swab ? streamEnd & ~1 : streamEnd
            }
        }
        if swab && count > 0 {
            // The byte held back from the previous chunk pairs with this one's first: the two go
            // out swapped (through the output block); the rest is swapped in place, as GNU swabs
            // in its input buffer, so no second buffer of the chunk's size is needed.
            if let saved = savedByte {
                savedByte = nil
                var pair: (UInt8, UInt8) = (base.load(as: UInt8.self), saved)
                try withUnsafeBytes(of: &pair) { bytes throws(Failure) in
                    try convert(bytes.baseAddress!, count: 2, streamStart: streamStart - 1)
                }
                start = 1
                count -= 1
            }
            if count % 2 == 1 {
                count -= 1
                savedByte = base.load(fromByteOffset: start + count, as: UInt8.self)
            }
            Self.swapPairsInPlace(base + start, count: count)
        }
        if let recordEnds, layout != .simple {
            // block/unblock: convert record by record and note how far the output got after each.
            // After swab a record's odd last byte waits for the next one.
            let regionStart = streamStart + Int64(start)
            var done = 0
            for end in recordEnds {
                let streamEnd = streamStart + Int64(end)
                let upTo = min(count, max(done, Int((swab ? streamEnd & ~1 : streamEnd) - regionStart)))
                if upTo > done {
                    try convert(base + start + done, count: upTo - done, streamStart: regionStart + Int64(done))
                    done = upTo
                }
                recordMarks.append(produced)
            }
            if done < count { try convert(base + start + done, count: count - done, streamStart: regionStart + Int64(done)) }
        } else {
            try convert(base + start, count: count, streamStart: streamStart + Int64(start))
        }
        try flushWholeBlocks()
    }

    private func convert(_ pointer: UnsafeRawPointer, count: Int, streamStart: Int64?) throws(Failure) {
        switch layout {
        case .simple: try copySimple(pointer, count: count, streamStart: streamStart)
        case .block: try copyWithBlock(pointer, count: count)
        case .unblock: try copyWithUnblock(pointer, count: count)
        }
    }

    /// End of input: GNU's tail of dd_copy — the swab byte held back, the padding of an
    /// unterminated block line, the newline after unblocked output, then the last short record.
    func finish() throws(Failure) {
        if let byte = savedByte {
            savedByte = nil
            var b = byte
            try withUnsafeBytes(of: &b) { bytes throws(Failure) in try convert(bytes.baseAddress!, count: 1, streamStart: nil) }
        }
        if layout == .block && column > 0 {
            for _ in column..<max(column, cbs) { try put(space) }
        }
        if layout == .unblock && column > 0 {
            try put(newline)
        }
        try flushWholeBlocks()
        if fill > 0 {
            var units = DDRecordRuns()
            units.append(length: fill, isFull: false)
            do {
                try emit(buffer.base, units: units)
            } catch {
                var failure = error
                failure.isFinalPartial = true
                throw failure
            }
            emitted += Int64(fill)
            fill = 0
        }
    }

    // MARK: - Conversions

    /// Swaps each pair of bytes of an even-sized stretch (conv=swab); the byte without a partner
    /// at a chunk's end waits in `savedByte` (GNU's saved_char), so the result does not depend on
    /// read sizes.
    private static func swapPairsInPlace(_ pointer: UnsafeMutableRawPointer, count: Int) {
        let bytes = pointer.assumingMemoryBound(to: UInt8.self)
        var i = 0
        while i + 1 < count {
            let first = bytes[i]
            bytes[i] = bytes[i + 1]
            bytes[i + 1] = first
            i += 2
        }
    }

    /// No reformatting: whole output blocks go straight from the input chunk when nothing is
    /// pending (no copy), the rest is gathered in the output buffer.
    private func copySimple(_ source: UnsafeRawPointer, count: Int, streamStart: Int64?) throws(Failure) {
        var offset = 0
        if fill == 0, count >= obs, let streamStart {
            let whole = (count / obs) * obs
            var units = DDRecordRuns()
            units.append(length: obs, count: whole / obs, isFull: true)
            do {
                try writer.write(source, units: units)
            } catch {
                throw Failure(failure: error, failedRecordStreamEnd: streamStart + Int64(error.failedUnitEnd))
            }
            offset = whole
            emitted += Int64(whole)
            bufferStreamStart = streamStart + Int64(whole)
        } else if fill == 0, let streamStart {
            bufferStreamStart = streamStart
        }
        while offset < count {
            let room = buffer.capacity - fill
            let n = min(room, count - offset)
            (buffer.base + fill).copyMemory(from: source + offset, byteCount: n)
            fill += n
            offset += n
            if fill == buffer.capacity { try flushWholeBlocks() }
        }
    }

    /// conv=block: newline-terminated lines become cbs-byte records padded with spaces;
    /// longer lines are truncated and counted.
    private func copyWithBlock(_ source: UnsafeRawPointer, count: Int) throws(Failure) {
        let bytes = source.assumingMemoryBound(to: UInt8.self)
        var truncated: UInt64 = 0
        defer { if truncated > 0 { counters.update { $0.truncatedRecords += truncated } } }
        for i in 0..<count {
            let c = bytes[i]
            if c == newline {
                if column < cbs { for _ in column..<cbs { try put(space) } }
                column = 0
            } else {
                if column == cbs { truncated += 1 } else if column < cbs { try put(c) }
                column += 1
            }
        }
    }

    /// conv=unblock: cbs-byte records lose their trailing spaces and gain a newline.
    private func copyWithUnblock(_ source: UnsafeRawPointer, count: Int) throws(Failure) {
        let bytes = source.assumingMemoryBound(to: UInt8.self)
        var i = 0
        while i < count {
            let c = bytes[i]
            if column >= cbs {
                // End of a record: drop its pending spaces and revisit this byte.
                column = 0
                pendingSpaces = 0
                try put(newline)
                continue
            }
            column += 1
            if c == space {
                pendingSpaces += 1
            } else {
                while pendingSpaces > 0 { try put(space); pendingSpaces -= 1 }
                try put(c)
            }
            i += 1
        }
    }

    @inline(__always)
    private func put(_ byte: UInt8) throws(Failure) {
        buffer.base.storeBytes(of: byte, toByteOffset: fill, as: UInt8.self)
        fill += 1
        if fill == buffer.capacity { try flushWholeBlocks() }
    }

    /// Writes every complete output block gathered so far and keeps the short remainder.
    private func flushWholeBlocks() throws(Failure) {
        let blocks = fill / obs
        guard blocks > 0 else { return }
        var units = DDRecordRuns()
        units.append(length: obs, count: blocks, isFull: true)
        try emit(buffer.base, units: units)
        emitted += Int64(blocks * obs)
        let rest = fill - blocks * obs
        if rest > 0 { buffer.base.copyMemory(from: buffer.base + blocks * obs, byteCount: rest) }
        fill = rest
        bufferStreamStart += Int64(blocks * obs)
    }

    private func emit(_ pointer: UnsafeRawPointer, units: DDRecordRuns) throws(Failure) {
        do {
            try writer.write(pointer, units: units)
        } catch {
            let end = preservesLength ? bufferStreamStart + Int64(error.failedUnitEnd) : nil
            throw Failure(failure: error, failedRecordStreamEnd: end)
        }
    }
}
