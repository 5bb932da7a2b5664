import SwddSystem

/// skip= on the input and seek= on the output, as GNU dd 9.1's `skip()`: lseek where the file
/// allows it (noting a skip past the end of a regular file), otherwise read and discard
/// records; seek= past what an unseekable output can skip writes NUL records.
enum DDPositioning {
    struct InputSkip {
        /// Input offset after skipping, when the input is seekable.
        var offset: Int64
        /// Whether the skip fell short (end of file or of the pipe): GNU warns.
        var fellShort: Bool
    }

    static func skipInput(_ input: DDEndpoint, settings: DDSettings, startOffset: Int64, reporter: DDReporter,
                          partialReadWarning: DDPartialReadWarning) throws(DDFatalError) -> InputSkip {
        let records = settings.skipRecords
        let bytes = settings.skipBytes
        guard records != 0 || bytes != 0 else { return InputSkip(offset: startOffset, fellShort: false) }
        let ibs = UInt64(settings.inputBlockSize)
        let (product, overflow1) = records.multipliedReportingOverflow(by: ibs)
        let (total, overflow2) = product.addingReportingOverflow(bytes)
        let representable = !overflow1 && !overflow2 && total <= UInt64(Int64.max)
        let fd = input.descriptor
        var seekErrno = Errno(rawValue: 0)
        if representable {
            do {
                try fd.seek(offset: Int64(total), from: .current)
                // A regular file's size tells whether the skip went past its end.
                let size = input.status.size
                if input.status.kind == .regular && startOffset >= 0 && size - startOffset < Int64(total) {
                    let end = max(size, startOffset)
                    _ = try? fd.seek(offset: end, from: .start)
                    return InputSkip(offset: end, fellShort: true)
                }
                return InputSkip(offset: startOffset + Int64(total), fellShort: false)
            } catch {
                seekErrno = error.code
            }
        }
        // Seekable but the offset is unreachable: GNU refuses rather than reading to it.
        if (try? fd.seek(offset: 0, from: .end)) != nil {
            throw DDFatalError(message: DDMessages.cannotSkip(input.name, reason: SystemError.describe(seekErrno.rawValue == 0 ? .overflow : seekErrno), locale: reporter.locale),
                               printsStatistics: true)
        }
        let discarded = try discardByReading(fd, records: records, bytes: bytes, blockSize: Int(ibs),
                                             fullBlock: settings.inputFlags.contains(.fullblock),
                                             warning: partialReadWarning,
                                             exhausted: DDMessages.memoryExhaustedByInputBuffer(size: Int(ibs))) { error in
            reporter.diagnose(DDMessages.errorReading(input.name, reason: error.reason, locale: reporter.locale))
            if settings.conversions.contains(.noerror) { reporter.printStatistics() }
            return DDFatalError(message: "", printsStatistics: true)
        }
        // Short reads count as records too, so a skip can fall short with every record "read".
        let fellShort = discarded.recordsLeft != 0 || !representable || UInt64(discarded.bytes) != total
        return InputSkip(offset: -1, fellShort: fellShort)
    }

    /// Positions the output `seekRecords * obs + seekBytes` bytes in.
    static func seekOutput(_ output: DDEndpoint, settings: DDSettings, locale: QuotingLocale) throws(DDFatalError) -> Int64 {
        let records = settings.seekRecords
        let bytes = settings.seekBytes
        let fd = output.descriptor
        let start = (try? fd.seek(offset: 0, from: .current)) ?? 0
        guard records != 0 || bytes != 0 else { return start }
        let (product, overflow1) = records.multipliedReportingOverflow(by: UInt64(settings.outputBlockSize))
        let (total, overflow2) = product.addingReportingOverflow(bytes)
        var seekErrno = Errno(rawValue: 0)
        if !overflow1 && !overflow2 && total <= UInt64(Int64.max) {
            do {
                return try fd.seek(offset: Int64(total), from: .current)
            } catch {
                seekErrno = error.code
            }
        }
        if (try? fd.seek(offset: 0, from: .end)) != nil {
            throw DDFatalError(message: DDMessages.cannotSeek(output.name, isInput: false, reason: SystemError.describe(seekErrno.rawValue == 0 ? .overflow : seekErrno), locale: locale),
                               printsStatistics: true)
        }
        // An unseekable output (a tape) is skipped by reading it; a pipe cannot be read.
        let reason = SystemError.describe(seekErrno)
        // GNU reads into its output buffer, which is the input buffer with one buffer.
        let exhausted = settings.conversions.contains(.twoBuffers)
            ? DDMessages.memoryExhaustedByOutputBuffer(size: settings.outputBlockSize)
            : DDMessages.memoryExhaustedByInputBuffer(size: settings.inputBlockSize)
        _ = try discardByReading(fd, records: records, bytes: bytes, blockSize: settings.outputBlockSize, fullBlock: false, warning: nil,
                                 exhausted: exhausted) { _ in
            DDFatalError(message: DDMessages.cannotSeek(output.name, isInput: false, reason: reason, locale: locale), printsStatistics: true)
        }
        return -1
    }

    /// Reads and drops `records` reads of a block, then `bytes` bytes, stopping at end of input.
    private static func discardByReading(_ fd: FileDescriptor, records: UInt64, bytes: UInt64, blockSize: Int, fullBlock: Bool,
                                         warning: DDPartialReadWarning?, exhausted: String,
                                         onError: (SystemError) -> DDFatalError) throws(DDFatalError) -> (recordsLeft: UInt64, bytes: Int64) {
        guard let buffer = AlignedBuffer(capacity: max(blockSize, Int(bytes), 1), alignment: 4096) else {
            throw DDFatalError(message: exhausted, printsStatistics: false)
        }
        var recordsLeft = records
        var bytesLeft = bytes
        var consumed: Int64 = 0
        while recordsLeft != 0 || bytesLeft != 0 {
            let size = recordsLeft != 0 ? blockSize : Int(bytesLeft)
            var got = 0
            repeat {
                let n: Int
                do {
                    n = try fd.read(into: buffer.slice(got, size - got))
                } catch {
                    throw onError(error)
                }
                warning?.noteRead(n, requested: size - got)
                if n == 0 { break }
                got += n
            } while fullBlock && got < size
            if got == 0 { break }  // end of input before the skip was done
            consumed += Int64(got)
            if recordsLeft != 0 { recordsLeft -= 1 } else { bytesLeft = 0 }
        }
        return (recordsLeft, consumed)
    }
}
