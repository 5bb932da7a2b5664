import SwddEngine
import SwddSystem

/// The consumer end of a dd copy: counts the records read, then either writes each record as
/// read (bs= given and no conversion: GNU's one-buffer path) or passes the stream through the
/// converter (GNU's C_TWOBUFS path).
final class DDSink: ChunkSink {
    private let writer: DDWriter
    private let converter: DDConverter?
    private let counters: DDCounters
    /// Input-stream position of the next chunk's first byte (after skip).
    private var streamPosition: Int64 = 0

    /// What ended the copy, for the runner to report.
    enum Outcome: Error {
        /// A write failed; `oneBuffer` picks GNU's wording ("error writing" vs "writing to").
        case writeFailed(SystemError, oneBuffer: Bool)
    }

    /// Whether the input ended with a read error (dd then exits 1 after writing what it has).
    private(set) var inputFailed = false
    /// Reports a read error before the last output is flushed, as GNU orders its messages
    /// (nil when the reader already reported it).
    private let reportReadFailure: (SystemError?) -> Void
    /// nocache's bookkeeping, replayed here on the main thread after each chunk's writes.
    private let advisor: DDCacheAdvisor?

    init(writer: DDWriter, converter: DDConverter?, counters: DDCounters, advisor: DDCacheAdvisor? = nil,
         reportReadFailure: @escaping (SystemError?) -> Void) {
        self.writer = writer
        self.converter = converter
        self.counters = counters
        self.advisor = advisor.flatMap { $0.tracksReads || $0.tracksWrites ? $0 : nil }
        self.reportReadFailure = reportReadFailure
    }

    func consume(_ chunk: Chunk) throws {
        let notes = chunk.annotation as? DDChunkNotes ?? DDChunkNotes()
        let units = notes.units
        let start = streamPosition
        streamPosition += Int64(chunk.count)
        // The advice GNU gives for these reads and writes, once they are done (even part-way).
        defer { advisor?.replay(notes, outputAfterRecords: converter?.recordMarks, writes: writer.takeLog()) }
        // Records read are counted once their data is written, so statistics printed mid-copy
        // (SIGUSR1, progress) show what a serial dd would: in and out moving together.
        if let converter {
            do {
                try converter.process(chunk, streamStart: start, recordEnds: advisor.map { _ in Self.recordEnds(units) })
            } catch {
                countRecords(of: units, before: error.failedRecordStreamEnd.map { Int($0 - start) })
                if error.failure.bytesOfFailedUnit > 0 { counters.update { $0.recordsOutPartial += 1; $0.bytesCopied += UInt64(error.failure.bytesOfFailedUnit) } }
                throw Outcome.writeFailed(error.failure.error, oneBuffer: error.isFinalPartial)
            }
        } else {
            do {
                try writer.write(chunk.base, units: units)
            } catch {
                countRecords(of: units, before: error.failedUnitEnd)
                counters.update { $0.bytesCopied += UInt64(error.bytesOfFailedUnit) }
                throw Outcome.writeFailed(error.error, oneBuffer: true)
            }
        }
        countRecords(of: units, before: nil)
    }

    /// Where each record ends in the chunk.
    private static func recordEnds(_ units: DDRecordRuns) -> [Int] {
        var ends: [Int] = []
        ends.reserveCapacity(units.unitCount)
        var end = 0
        for run in units.runs {
            for _ in 0..<run.repeatCount {
                end += run.length
                ends.append(end)
            }
        }
        return ends
    }

    /// Counts the records of `units` that a serial dd would have read: all of them, or after a
    /// write failure only those starting before the end of the failed output record (dd stops
    /// reading there). nil `position` means all.
    private func countRecords(of units: DDRecordRuns, before position: Int?) {
        var full: UInt64 = 0
        var partial: UInt64 = 0
        if let position {
            units.forEachUnit { start, _, isFull in
                guard start < position else { return }
                if isFull { full += 1 } else { partial += 1 }
            }
        } else {
            full = UInt64(units.fullCount)
            partial = UInt64(units.partialCount)
        }
        counters.update {
            $0.recordsInFull += full
            $0.recordsInPartial += partial
        }
    }

    func finish(inputError: (any Error)?) throws {
        if let inputError {
            // Without noerror the input ends here; dd still writes what it has (below).
            inputFailed = true
            reportReadFailure((inputError as? DDReadFailure)?.error)
        }
        if let converter {
            defer { advisor?.replay(writes: writer.takeLog()) }
            do {
                try converter.finish()
            } catch {
                if error.failure.bytesOfFailedUnit > 0 { counters.update { $0.recordsOutPartial += 1; $0.bytesCopied += UInt64(error.failure.bytesOfFailedUnit) } }
                throw Outcome.writeFailed(error.failure.error, oneBuffer: error.isFinalPartial)
            }
        }
    }
}
