/// The counters behind dd's summary, as GNU dd keeps them (`r_full`, `r_partial`, `w_full`,
/// `w_partial`, `r_truncate`, `w_bytes`). The copy loop owns and updates them; the formatters in
/// ``DDSummary`` and ``DDProgressLine`` only read a snapshot.
public struct DDStatistics: Sendable, Equatable {
    /// Reads that filled a whole input block.
    public var recordsInFull: UInt64
    /// Short reads (including the last one before EOF).
    public var recordsInPartial: UInt64
    /// Writes of a whole output block.
    public var recordsOutFull: UInt64
    /// Short writes (including a final partial block).
    public var recordsOutPartial: UInt64
    /// Lines `conv=block` cut at `cbs` bytes.
    public var truncatedRecords: UInt64
    /// Bytes written to the output (what the summary calls copied).
    public var bytesCopied: UInt64

    public init(
        recordsInFull: UInt64 = 0, recordsInPartial: UInt64 = 0, recordsOutFull: UInt64 = 0,
        recordsOutPartial: UInt64 = 0, truncatedRecords: UInt64 = 0, bytesCopied: UInt64 = 0
    ) {
        self.recordsInFull = recordsInFull
        self.recordsInPartial = recordsInPartial
        self.recordsOutFull = recordsOutFull
        self.recordsOutPartial = recordsOutPartial
        self.truncatedRecords = truncatedRecords
        self.bytesCopied = bytesCopied
    }
}
