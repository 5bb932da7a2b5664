/// The engine's progress line for every front end but dd mode (which keeps GNU's): bytes done,
/// of how many and what part when the total is known, the rate, and the time left. A pure
/// function of the counters, tested with exact strings.
public enum ProgressLine {
    /// `1.5 GiB of 4.0 GiB (37%), 512 MB/s, 0:05 left` — or without a total,
    /// `1.5 GiB, 512 MB/s`. Sizes in binary units, rates in decimal ones, as dd prints them.
    public static func text(done: Int64, total: Int64?, elapsedNanoseconds: UInt64) -> String {
        let seconds = Double(elapsedNanoseconds) / 1e9
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var line = binarySize(done)
        if let total, total > 0 {
            let percent = min(100, Int(Double(done) * 100 / Double(total)))
            line += " of \(binarySize(total)) (\(percent)%)"
        }
        line += ", \(decimalRate(rate))"
        if let total, total > done, rate > 0 {
            line += ", \(clock(Int((Double(total - done) / rate).rounded(.up)))) left"
        }
        return line
    }

    /// `512 B`, `1.5 KiB`, `10 MiB`: one decimal below 10, none above.
    public static func binarySize(_ bytes: Int64) -> String {
        scaled(Double(bytes), base: 1024, units: ["B", "KiB", "MiB", "GiB", "TiB", "PiB"])
    }

    /// `0 B/s`, `950 kB/s`, `1.2 GB/s`.
    public static func decimalRate(_ bytesPerSecond: Double) -> String {
        scaled(bytesPerSecond, base: 1000, units: ["B/s", "kB/s", "MB/s", "GB/s", "TB/s"])
    }

    /// `value` in the largest unit it reaches; whole numbers in the first unit.
    private static func scaled(_ value: Double, base: Double, units: [String]) -> String {
        var scaled = value
        var unit = 0
        while scaled >= base && unit < units.count - 1 {
            scaled /= base
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) \(units[0])" : "\(oneDecimalBelowTen(scaled)) \(units[unit])"
    }

    private static func oneDecimalBelowTen(_ value: Double) -> String {
        if value < 10 {
            let tenths = Int((value * 10).rounded())
            return tenths >= 100 ? "10" : "\(tenths / 10).\(tenths % 10)"
        }
        return "\(Int(value.rounded()))"
    }

    /// `0:05`, `12:34`, `1:02:03`.
    static func clock(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        let ss = s < 10 ? "0\(s)" : "\(s)"
        if h > 0 { return "\(h):\(m < 10 ? "0\(m)" : "\(m)"):\(ss)" }
        return "\(m):\(ss)"
    }
}
