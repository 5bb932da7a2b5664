/// The writes a serial dd would have made for what `DDWriter` just wrote, in order: each output
/// record is one of GNU's `iwrite` calls (a seek over NULs for conv=sparse included, a write cut
/// short by an error with the bytes it did write), and each time O_DIRECT was dropped for a short
/// record. nocache's bookkeeping (`DDCacheAdvisor`) replays it on the main thread.
struct DDWriteLog: Sendable, Equatable {
    enum Event: Sendable, Equatable {
        /// `count` writes of `bytes` each.
        case writes(bytes: Int, count: Int)
        /// O_DIRECT turned off before a short write (GNU then advises to the end of the file).
        case directDropped
    }

    private(set) var events: [Event] = []
    /// Bytes of all the writes.
    private(set) var totalBytes: Int64 = 0
    /// After a failed write: where (from the log's start) the record that failed would have
    /// ended. GNU reads nothing after the read that led to it.
    private(set) var failedRecordEnd: Int64?

    var isEmpty: Bool { events.isEmpty }

    mutating func appendWrites(bytes: Int, count: Int = 1) {
        guard count > 0, bytes > 0 else { return }
        totalBytes += Int64(bytes) * Int64(count)
        if case .writes(let last, let lastCount)? = events.last, last == bytes {
            events[events.count - 1] = .writes(bytes: bytes, count: lastCount + count)
        } else {
            events.append(.writes(bytes: bytes, count: count))
        }
    }

    mutating func appendDirectDropped() { events.append(.directDropped) }

    /// The write of a `recordLength`-byte record failed after `bytesWritten` bytes (GNU advises
    /// those too).
    mutating func appendFailedWrite(bytesWritten: Int, recordLength: Int) {
        failedRecordEnd = totalBytes + Int64(recordLength)
        appendWrites(bytes: bytesWritten)
    }
}
