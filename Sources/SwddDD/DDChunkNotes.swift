/// What dd's reader notes on each chunk (the chunk's annotation): the records it holds, as the
/// writer and the counts see them, and the reads that produced them, as GNU dd made them.
struct DDChunkNotes: Sendable {
    /// The records in the chunk, in order (a record padded by conv=sync is `ibs` bytes).
    var units = DDRecordRuns()
    /// GNU's read calls behind them, in order, for nocache's bookkeeping (`DDCacheAdvisor`).
    var reads = DDReadLog()

    var isEmpty: Bool { units.isEmpty && reads.isEmpty }

    mutating func removeAll() {
        units.removeAll()
        reads.removeAll()
    }
}

/// The read calls a serial dd would have made for a chunk's records, run-length coded: each
/// successful read became one record of the chunk; a failed read that conv=noerror skipped
/// became one (of padding) only with conv=sync and no partial read before it, as in GNU.
struct DDReadLog: Sendable, Equatable {
    enum Entry: Sendable, Equatable {
        /// `count` reads that returned `bytes` each (before any conv=sync padding).
        case reads(bytes: Int, count: Int)
        /// A read that failed: GNU moves `badPortion` bytes on; `standsInRecord` when a record
        /// of padding takes its place; `seekableAfter` false when the input could not be moved.
        case failedRead(badPortion: Int, standsInRecord: Bool, seekableAfter: Bool)
    }

    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    /// Appends `count` reads of `bytes`, merging with the last entry when alike.
    mutating func appendReads(bytes: Int, count: Int = 1) {
        guard count > 0 else { return }
        if case .reads(let last, let lastCount)? = entries.last, last == bytes {
            entries[entries.count - 1] = .reads(bytes: bytes, count: lastCount + count)
        } else {
            entries.append(.reads(bytes: bytes, count: count))
        }
    }

    mutating func appendFailedRead(badPortion: Int, standsInRecord: Bool, seekableAfter: Bool) {
        entries.append(.failedRead(badPortion: badPortion, standsInRecord: standsInRecord, seekableAfter: seekableAfter))
    }
}
