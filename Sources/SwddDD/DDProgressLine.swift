/// The `status=progress` line GNU dd 9.1 rewrites about once a second (`print_xfer_stats` with
/// a progress time): a carriage return, the transfer line with whole seconds (`%.0f s`), and
/// enough spaces to blank out the rest of a longer previous line. No newline: the next progress
/// line overwrites it, and the final summary (or any diagnostic) first prints `"\n"`.
public struct DDProgressLine: Sendable, Equatable {
    /// What to write to standard error, starting with `"\r"`.
    public var text: String
    /// The length GNU remembers for the next line's padding (its `progress_len`): the bytes of
    /// the transfer text, without the `"\r"` and without the padding.
    public var length: Int

    /// Renders the progress line. `previousLength` is the ``length`` of the line now on the
    /// terminal, or 0 when there is none.
    public init(_ statistics: DDStatistics, elapsedNanoseconds: Int64, previousLength: Int) {
        let stats = DDSummary.transferLine(
            statistics, elapsedNanoseconds: elapsedNanoseconds, secondsFormat: "%.0f s")
        let length = stats.utf8.count
        var text = "\r" + stats
        if length < previousLength {
            text += String(repeating: " ", count: previousLength - length)
        }
        self.text = text
        self.length = length
    }
}
