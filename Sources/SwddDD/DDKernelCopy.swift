import SwddEngine
import SwddSystem

/// The zero-copy path for a plain file-to-file dd: `copy_file_range` moves the data inside
/// the kernel (sharing extents on filesystems with reflinks). Used only where it cannot change
/// what dd would produce: regular files on both sides, no conversion or padding, no direct or
/// nocache I/O, and an input range without holes (dd's output is dense; a reflink of a hole
/// would not be). Records are counted as dd would have counted the same bytes.
struct DDKernelCopy {
    let settings: DDSettings
    let input: DDEndpoint
    let output: DDEndpoint
    let counters: DDCounters
    let reporter: DDReporter

    /// Whether the settings and file kinds allow the kernel path at all.
    static func isEligible(_ settings: DDSettings, input: DDEndpoint, output: DDEndpoint) -> Bool {
        let blockers: DDConversions = [.ascii, .ebcdic, .ibm, .block, .unblock, .lcase, .ucase, .swab, .sync, .sparse]
        let flagBlockers: DDFlags = [.direct, .nocache, .append]
        return input.status.kind == .regular && output.status.kind == .regular
            && settings.translation == nil
            && settings.conversions.isDisjoint(with: blockers)
            && settings.inputFlags.isDisjoint(with: flagBlockers)
            && settings.outputFlags.isDisjoint(with: flagBlockers)
            && !(input.status.device == output.status.device && input.status.inode == output.status.inode)
    }

    /// Copies what it can, in whole units of both block sizes, and returns the records read so
    /// far with both file offsets on that boundary. The pipeline always does the rest: the last
    /// short record, data appended since the size was taken, or a failure to report.
    func run() -> UInt64 {
        let ibs = Int64(settings.inputBlockSize)
        let obs = Int64(settings.outputBlockSize)
        let fdIn = input.descriptor
        let fdOut = output.descriptor
        guard let inStart = try? fdIn.seek(offset: 0, from: .current),
              let outStart = try? fdOut.seek(offset: 0, from: .current) else { return 0 }
        // How much dd would read: count= records (and count_bytes' extra bytes), or to EOF.
        var limit = Int64.max
        if settings.maxRecords != UInt64.max {
            let (product, overflow) = settings.maxRecords.multipliedReportingOverflow(by: UInt64(ibs))
            if !overflow && product + settings.maxBytes < UInt64(Int64.max) { limit = Int64(product + settings.maxBytes) }
        }
        let end = min(input.status.size, limit == Int64.max ? Int64.max : inStart + limit)
        guard end > inStart else { return 0 }
        // Holes would stay holes under a reflink: leave those files to the dense pipeline.
        if let extent = try? fdIn.nextDataExtent(from: inStart, limit: end), extent.offset != inStart || extent.end < end {
            _ = try? fdIn.seek(offset: inStart, from: .start)
            return 0
        }
        _ = try? fdIn.seek(offset: inStart, from: .start)

        // Slices are whole multiples of both block sizes so a stop falls on a record boundary.
        let unit = lcm(ibs, obs) <= 8 << 20 ? lcm(ibs, obs) : ibs
        let slice = max(unit, (Int64(16 << 20) / unit) * unit)
        var counted: Int64 = 0
        // Errors are not reported here: the pipeline redoes the rest and reports what it meets.
        _ = KernelCopyPath.copyFileRange(from: fdIn, at: inStart, to: fdOut, at: outStart,
                                         length: end - inStart, slice: slice) { copied in
            let whole = (copied / unit) * unit
            if whole > counted {
                countRecords(fromBytes: counted, toBytes: whole)
                counted = whole
            }
            // status=progress: GNU's check between records, here between slices.
            let now = MonotonicClock.now()
            if reporter.progressIsDue(at: now) { reporter.printProgress(at: now) }
        }
        let whole = counted
        // The pipeline re-reads any tail past the last whole unit.
        _ = try? fdIn.seek(offset: inStart + whole, from: .start)
        _ = try? fdOut.seek(offset: outStart + whole, from: .start)
        return UInt64(whole / ibs)
    }

    /// Counts the records for bytes between two whole-unit stream positions: all full records.
    private func countRecords(fromBytes start: Int64, toBytes end: Int64) {
        let ibs = Int64(settings.inputBlockSize)
        let outBlock = settings.conversions.contains(.twoBuffers) ? Int64(settings.outputBlockSize) : ibs
        counters.update {
            $0.recordsInFull += UInt64((end - start) / ibs)
            $0.recordsOutFull += UInt64((end - start) / outBlock)
            $0.bytesCopied += UInt64(end - start)
        }
    }
}

func gcd(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? a : gcd(b, a % b) }
func lcm(_ a: Int64, _ b: Int64) -> Int64 { a / gcd(a, b) * b }
