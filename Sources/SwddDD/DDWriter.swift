import SwddEngine
import SwddSystem

/// dd's output side: issues the writes that a chunk's units describe and counts
/// `N+M records out` and bytes as GNU dd does (a unit of `obs` bytes is a full record).
///
/// To a regular file or block device, consecutive units go out in one large `write` (the
/// bytes are the same, the counts are computed per unit). To pipes, terminals and character
/// devices each unit is its own `write`, because the reader on the other side sees the sizes.
/// conv=sparse seeks over all-NUL units; oflag=direct drops O_DIRECT before each short unit.
final class DDWriter {
    private let output: FileDescriptor
    private let outputBlockSize: Int
    private let counters: DDCounters
    private let batched: Bool
    private var sparse: Bool
    private let direct: Bool
    /// Whether the last thing done to the output was a seek over NULs (GNU's final_op_was_seek).
    private(set) var finalOpWasSeek = false
    /// Set when O_DIRECT was dropped for a short unit: GNU then fsyncs at the end.
    private(set) var needsSyncAtEnd = false
    /// hash= digests when only the written bytes can feed them (see `DDHashing`).
    private let digests: DDWriterDigests?
    /// The writes a serial dd would have made, for nocache's bookkeeping; only when it is kept.
    private var log = DDWriteLog()
    private let logsWrites: Bool

    init(output: FileDescriptor, settings: DDSettings, counters: DDCounters, batched: Bool, logsWrites: Bool = false,
         digests: DDWriterDigests? = nil) {
        self.digests = digests
        self.output = output
        self.outputBlockSize = settings.outputBlockSize
        self.counters = counters
        self.batched = batched
        self.sparse = settings.conversions.contains(.sparse)
        self.direct = settings.outputFlags.contains(.direct)
        self.logsWrites = logsWrites
    }

    /// The writes logged since the last call (`DDWriteLog`), for the main thread's replay.
    func takeLog() -> DDWriteLog {
        defer { log = DDWriteLog() }
        return log
    }

    /// A write that failed part-way: how far it got.
    struct Failure: Error {
        var error: SystemError
        /// End of the unit that failed, relative to the start of the units written.
        var failedUnitEnd: Int
        /// Bytes of the failed unit that were written.
        var bytesOfFailedUnit: Int
    }

    /// Writes `units` laid out back to back from `base`.
    func write(_ base: UnsafeRawPointer, units: DDRecordRuns) throws(Failure) {
        // NULs seeked over by conv=sparse are output data too; a failed write ends the copy
        // without a digest, so digesting first is exact.
        digests?.update(UnsafeRawBufferPointer(start: base, count: units.totalBytes))
        var spanStart = 0
        var spanEnd = 0
        var spanUnits = DDRecordRuns()
        var cursor = 0

        func flushSpan() throws(Failure) {
            guard spanEnd > spanStart else { return }
            let written = writeAll(base + spanStart, count: spanEnd - spanStart)
            if let error = written.error {
                let (complete, failed) = spanUnits.unitsCovered(byBytes: written.count)
                count(complete)
                logWrites(complete)
                if logsWrites { log.appendFailedWrite(bytesWritten: written.count - complete.totalBytes, recordLength: failed?.length ?? 0) }
                throw Failure(error: error,
                              failedUnitEnd: spanStart + complete.totalBytes + (failed?.length ?? 0),
                              bytesOfFailedUnit: written.count - complete.totalBytes)
            }
            count(spanUnits)
            logWrites(spanUnits)
            spanUnits.removeAll()
            spanStart = spanEnd
        }

        for run in units.runs {
            for _ in 0..<run.repeatCount {
                let unitStart = cursor
                let length = run.length
                cursor += length
                // GNU drops O_DIRECT before every short write (it never clears the flag it asked
                // for), and before it looks for NULs.
                if direct && length < outputBlockSize {
                    try flushSpan()
                    turnOffDirect()
                }
                if sparse && length > 0 && isAllZero(base + unitStart, count: length) {
                    try flushSpan()
                    if (try? output.seek(offset: Int64(length), from: .current)) != nil {
                        finalOpWasSeek = true
                        counters.update { $0.bytesCopied += UInt64(length); Self.tally(&$0, length: length, blockSize: outputBlockSize) }
                        if logsWrites { log.appendWrites(bytes: length) }  // GNU's iwrite returns the size seeked
                        spanStart = cursor
                        spanEnd = cursor
                        continue
                    }
                    sparse = false  // GNU drops the advisory sparse request silently
                }
                if !batched && spanEnd > spanStart { try flushSpan() }
                if spanEnd == spanStart { spanStart = unitStart }
                spanEnd = cursor
                spanUnits.append(length: length, isFull: length == outputBlockSize)
                finalOpWasSeek = false
            }
        }
        try flushSpan()
    }

    private static func tally(_ stats: inout DDStatistics, length: Int, blockSize: Int) {
        if length == blockSize { stats.recordsOutFull += 1 } else { stats.recordsOutPartial += 1 }
    }

    private func count(_ units: DDRecordRuns) {
        guard !units.isEmpty else { return }
        let bytes = units.totalBytes
        var full = 0
        var partial = 0
        for run in units.runs {
            if run.length == outputBlockSize { full += run.repeatCount } else { partial += run.repeatCount }
        }
        counters.update {
            $0.bytesCopied += UInt64(bytes)
            $0.recordsOutFull += UInt64(full)
            $0.recordsOutPartial += UInt64(partial)
        }
    }

    private func logWrites(_ units: DDRecordRuns) {
        guard logsWrites else { return }
        for run in units.runs { log.appendWrites(bytes: run.length, count: run.repeatCount) }
    }

    /// GNU's iwrite: every byte, short writes retried; a write of 0 bytes means the device is full.
    private func writeAll(_ pointer: UnsafeRawPointer, count: Int) -> (count: Int, error: SystemError?) {
        do {
            try output.writeAll(UnsafeRawBufferPointer(start: pointer, count: count))
        } catch {
            return (error.bytesWritten, error.error)
        }
        return (count, nil)
    }

    /// O_DIRECT needs whole blocks; GNU turns it off for a short write and fsyncs at the end.
    private func turnOffDirect() {
        needsSyncAtEnd = true
        if logsWrites { log.appendDirectDropped() }
        if let flags = try? output.statusFlags() {
            try? output.setStatusFlags(flags.subtracting(.direct))
        }
    }
}
