/// util-linux's `size_to_human_string` (lib/strutils.c), which fdisk uses for sizes: binary
/// units, the value truncated to a whole unit, then the remainder rounded half-up to one decimal
/// (partition Size column, `732.4M`) or two (the `Disk …:` line, `953.67 MiB`), a trailing zero
/// of the decimals dropped (`1.2 GiB`, not `1.20 GiB`). The decimal point is the C locale's.
public enum HumanSize {
    public enum Style: Sendable {
        /// `732.4M`: one letter, no space, one decimal (fdisk's Size column).
        case oneLetter
        /// `953.67 MiB`: space, three-letter unit, two decimals (fdisk's `Disk …:` line).
        case disk
    }

    public static func format(_ bytes: UInt64, style: Style) -> String {
        let letters: [Character] = ["B", "K", "M", "G", "T", "P", "E"]
        // util-linux's get_exp: the largest power of 1024 not above the value, at most 2^60
        var shift = 10
        while shift <= 60 && bytes >= (UInt64(1) << UInt64(shift)) { shift += 10 }
        let exponent = shift - 10
        let letter = letters[exponent / 10]
        var whole = exponent == 0 ? bytes : bytes >> UInt64(exponent)
        var fraction = exponent == 0 ? 0 : bytes & ((UInt64(1) << UInt64(exponent)) - 1)

        var suffix = ""
        if style == .disk { suffix += " " }
        suffix.append(letter)
        if style == .disk && letter != "B" { suffix += "iB" }

        if fraction != 0 {
            // three digits after the point, as util-linux computes them (overflow-safe form)
            if fraction >= UInt64.max / 1000 {
                fraction = ((fraction / 1024) * 1000) / (UInt64(1) << UInt64(exponent - 10))
            } else {
                fraction = (fraction * 1000) / (UInt64(1) << UInt64(exponent))
            }
            switch style {
            case .disk: fraction = (fraction + 5) / 10
            case .oneLetter: fraction = ((fraction + 50) / 100) * 10
            }
            if fraction == 100 {
                whole += 1
                fraction = 0
            }
        }
        guard fraction != 0 else { return "\(whole)\(suffix)" }
        var digits = fraction < 10 ? "0\(fraction)" : "\(fraction)"
        if digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)\(suffix)"
    }
}
