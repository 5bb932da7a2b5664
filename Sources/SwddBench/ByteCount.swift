/// Sizes as users type them (`4K`, `1M`, `8MiB`, `1G`, `4096`) and as the report prints block
/// sizes (`4K`, `1M`). Binary multiples throughout, as dd's `bs=4K` and fio's `--bs=4k` mean.
public enum ByteCount {
    /// Parses a byte count; nil for anything malformed, zero, or past `Int64.max`.
    public static func parse(_ text: String) -> Int64? {
        var digits = Substring(text)
        var suffix = ""
        while let last = digits.last, !last.isNumber {
            suffix = String(last) + suffix
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, let value = Int64(digits), value > 0 else { return nil }
        let shift: Int64
        switch suffix.uppercased() {
        case "", "B": shift = 0
        case "K", "KIB": shift = 10
        case "M", "MIB": shift = 20
        case "G", "GIB": shift = 30
        case "T", "TIB": shift = 40
        default: return nil
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: Int64(1) << shift)
        return overflow ? nil : product
    }

    /// A block size in the largest binary unit that divides it: `4K`, `1M`, `4M`, `1536`.
    public static func blockSize(_ bytes: Int) -> String {
        for (shift, letter) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] where bytes >= (1 << shift) && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(letter)"
        }
        return "\(bytes)"
    }

    /// A region size for headings: `8 MiB`, `1 GiB`, `1.5 GiB`, `4096 bytes` (one decimal, only
    /// when it is not zero).
    public static func human(_ bytes: Int64) -> String {
        let units = [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")]
        for (index, (shift, unit)) in units.enumerated() where bytes >= (Int64(1) << shift) {
            // Whole units and tenths apart, so no product can overflow.
            var whole = bytes >> shift
            var tenths = ((bytes & ((Int64(1) << shift) - 1)) * 10 + (Int64(1) << shift) / 2) >> shift
            if tenths == 10 { whole += 1; tenths = 0 }
            // 1048575 bytes rounds to `1 MiB`, not `1024 KiB`.
            if whole == 1024 && tenths == 0 && index > 0 { return "1 \(units[index - 1].1)" }
            return tenths == 0 ? "\(whole) \(unit)" : "\(whole).\(tenths) \(unit)"
        }
        return "\(bytes) bytes"
    }
}
