#if canImport(Glibc)
import Glibc
#endif
import SwddEngine
import SwddSystem

/// The zero-copy path from a file or block device into a pipe: `splice` hands page-cache
/// pages to the pipe, one output record per call, as dd's writes would be. One thread and no
/// user-space copy, where the pipeline would need three threads (reader, writer, and the pipe's
/// reader) on a machine that may have two cores.
///
/// Used only when nothing is converted or padded; records are counted from the bytes, which is
/// exact because files and block devices return full records until the end.
struct DDSpliceCopy {
    let settings: DDSettings
    let input: DDEndpoint
    let output: DDEndpoint
    let counters: DDCounters
    let reporter: DDReporter

    static func isEligible(_ settings: DDSettings, input: DDEndpoint, output: DDEndpoint) -> Bool {
        let blockers: DDConversions = [.ascii, .ebcdic, .ibm, .block, .unblock, .lcase, .ucase, .swab, .sync]
        return input.status.kind.readsAreFull && output.status.kind == .fifo
            && settings.translation == nil
            && settings.conversions.isDisjoint(with: blockers)
            && settings.inputFlags.isDisjoint(with: [.direct, .nocache])
    }

    enum Outcome {
        /// Copied everything dd would have; nothing is left for the pipeline.
        case done
        /// The kernel refused before anything moved: use the pipeline instead.
        case unsupported
        /// A write to the pipe failed (`EPIPE` when SIGPIPE is ignored, and so on).
        case writeFailed(SystemError)
    }

    func run() -> Outcome {
        let ibs = UInt64(settings.inputBlockSize)
        // One buffer: each read is written as read; two: the stream is cut into obs records.
        let record = settings.conversions.contains(.twoBuffers) ? settings.outputBlockSize : settings.inputBlockSize
        var budget = UInt64.max
        if settings.maxRecords != .max {
            let (product, overflow) = settings.maxRecords.multipliedReportingOverflow(by: ibs)
            if !overflow { budget = product &+ settings.maxBytes }
        }
        let checksProgress = reporter.status == .progress
        let outcome = KernelCopyPath.splice(from: input.descriptor, to: output.descriptor, record: record, length: budget) { copied in
            // The live view (SIGUSR1) every 1024 records: counting costs a lock.
            if copied % (UInt64(record) * 1024) == 0 { account(records: copied, bytes: copied, recordSize: record, final: false) }
            // status=progress: GNU's check between two records.
            if checksProgress {
                let now = MonotonicClock.now()
                if reporter.progressIsDue(at: now) {
                    account(records: copied, bytes: copied, recordSize: record, final: false)
                    reporter.printProgress(at: now)
                }
            }
        }
        let moved = UInt64(outcome.bytes)
        if let error = outcome.error {
            if moved == 0 && KernelCopy.isUnsupported(error) { return .unsupported }
            let whole = moved / UInt64(record) * UInt64(record)
            accountFailure(at: whole, recordSize: record, requested: Int(min(UInt64(record), budget - whole)), moved: Int(moved - whole))
            return .writeFailed(error)
        }
        account(records: moved, bytes: moved, recordSize: record, final: true)
        return .done
    }

    /// What a serial dd counts when the write of the record at `offset` fails after `moved`
    /// bytes: every input record that began before the failed record's end was read; a
    /// two-buffer dd counts the torn record as a partial one, a one-buffer dd does not.
    private func accountFailure(at offset: UInt64, recordSize: Int, requested: Int, moved: Int) {
        let ibs = UInt64(settings.inputBlockSize)
        let end = offset + UInt64(requested)
        let twoBuffers = settings.conversions.contains(.twoBuffers)
        counters.update {
            $0.recordsInFull = (end + ibs - 1) / ibs
            $0.recordsInPartial = 0
            $0.recordsOutFull = offset / UInt64(recordSize)
            $0.recordsOutPartial = twoBuffers && moved > 0 ? 1 : 0
            $0.bytesCopied = offset + UInt64(moved)
        }
    }

    /// Sets the counters to what dd reports for `bytes` copied (the live view and the total).
    private func account(records: UInt64, bytes: UInt64, recordSize: Int, final: Bool) {
        let ibs = UInt64(settings.inputBlockSize)
        let obs = UInt64(recordSize)
        counters.update {
            $0.recordsInFull = records / ibs
            $0.recordsInPartial = final && records % ibs != 0 ? 1 : 0
            $0.recordsOutFull = records / obs
            $0.recordsOutPartial = final && records % obs != 0 ? 1 : 0
            $0.bytesCopied = bytes
        }
    }
}
