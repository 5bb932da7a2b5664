import SwddSystem
/// The statistics GNU dd 9.1 prints at the end, on SIGUSR1 and on SIGINT (`print_stats`), as
/// pure functions of the counters and the elapsed time.
///
/// ```
/// 3+1 records in
/// 3+1 records out
/// 1 truncated record
/// 1600 bytes (1.6 kB, 1.6 KiB) copied, 0.000102 s, 15.7 MB/s
/// ```
public enum DDSummary {
    /// Everything `print_stats` writes for `status`, newline-terminated: nothing for `none`, the
    /// record lines for `noxfer`, and the transfer line too otherwise. When a progress line is
    /// on the terminal (`progressLineActive`), GNU first ends it with a newline.
    /// `elapsedNanoseconds` ≤ 0 prints `0 s` and `Infinity B/s`, as GNU does when no clock tick
    /// passed.
    public static func text(
        _ statistics: DDStatistics, status: DDStatusLevel, elapsedNanoseconds: Int64,
        progressLineActive: Bool = false
    ) -> String {
        if status == .none { return "" }
        var text = progressLineActive ? "\n" : ""
        text += recordLines(statistics)
        if status == .noxfer { return text }
        return text + transferLine(statistics, elapsedNanoseconds: elapsedNanoseconds) + "\n"
    }

    /// `N+M records in`, `N+M records out` and, when some were cut, `K truncated record(s)`;
    /// each line ends with a newline.
    public static func recordLines(_ statistics: DDStatistics) -> String {
        var text = "\(statistics.recordsInFull)+\(statistics.recordsInPartial) records in\n"
        text += "\(statistics.recordsOutFull)+\(statistics.recordsOutPartial) records out\n"
        let truncated = statistics.truncatedRecords
        if truncated != 0 {
            text += "\(truncated) truncated record\(truncated == 1 ? "" : "s")\n"
        }
        return text
    }

    /// The bytes/time/rate line without its newline (`print_xfer_stats (0)`), with the time as
    /// `%g` seconds: `1000 bytes (1.0 kB) copied, 0.5 s, 2.0 kB/s`.
    public static func transferLine(_ statistics: DDStatistics, elapsedNanoseconds: Int64) -> String {
        transferLine(statistics, elapsedNanoseconds: elapsedNanoseconds, secondsFormat: "%g s")
    }

    /// The line shared by the summary and the progress line; only the time format differs.
    static func transferLine(
        _ statistics: DDStatistics, elapsedNanoseconds: Int64, secondsFormat: String
    ) -> String {
        let bytes = statistics.bytesCopied
        let si = HumanReadable.format(bytes, base1024: false)
        let iec = HumanReadable.format(bytes, base1024: true)
        let seconds: Double
        let rate: String
        if elapsedNanoseconds > 0 {
            seconds = Double(elapsedNanoseconds) / 1_000_000_000
            rate = HumanReadable.format(
                bytes, base1024: false, fromBlockSize: 1_000_000_000,
                toBlockSize: UInt64(elapsedNanoseconds)) + "/s"
        } else {
            seconds = 0
            rate = "Infinity B/s"
        }
        let time = CFormat.format(secondsFormat, seconds)
        // GNU drops a unit that would only repeat the byte count ("999 B", "1000 B").
        if lacksPrefix(si) {
            return "\(bytes) byte\(bytes == 1 ? "" : "s") copied, \(time), \(rate)"
        }
        if lacksPrefix(iec) {
            return "\(bytes) bytes (\(si)) copied, \(time), \(rate)"
        }
        return "\(bytes) bytes (\(si), \(iec)) copied, \(time), \(rate)"
    }

    /// GNU's `abbreviation_lacks_prefix`: the unit is a bare "B" (the text ends in " B").
    private static func lacksPrefix(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count >= 2 && bytes[bytes.count - 2] == UInt8(ascii: " ")
    }
}
