#if canImport(Glibc)
import Glibc
#endif
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
        var copied: UInt64 = 0
        while copied < budget {
            let want = Int(min(UInt64(record), budget - copied))
            var moved = 0
            // A record larger than the pipe's free space goes over in several moves; the reader
            // of a pipe cannot see write boundaries beyond PIPE_BUF anyway.
            while moved < want {
                let n: Int
                do {
                    n = try KernelCopy.splice(from: input.descriptor, at: nil, to: output.descriptor, count: want - moved)
                } catch {
                    if copied == 0 && moved == 0 && KernelCopy.isUnsupported(error) { return .unsupported }
                    accountFailure(at: copied, recordSize: record, requested: want, moved: moved)
                    return .writeFailed(error)
                }
                if n == 0 { break }  // end of input
                moved += n
            }
            copied += UInt64(moved)
            if moved < want { break }
            if copied % (UInt64(record) * 1024) == 0 { account(records: copied, bytes: copied, recordSize: record, final: false) }
        }
        account(records: copied, bytes: copied, recordSize: record, final: true)
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
