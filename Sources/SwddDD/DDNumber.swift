/// A number operand (`bs=`, `count=`, `skip=` …) read exactly as GNU dd 9.1's `parse_integer`
/// reads it: gnulib `xstrtoumax` with the suffixes `bcEGkKMPTwYZ` (each of `kKMGTPEZY` may take
/// `B` for powers of 1000 or `iB` for powers of 1024), an optional trailing `B` that marks a byte
/// count, and one `x` product (`2x3K`). 9.1 does not know `R`/`Q`, and its product is not
/// recursive: `2x3x4` and `2x3B` are invalid (later releases changed both).
public struct DDNumber: Sendable, Equatable {
    /// How the text parsed, in the terms dd's message needs.
    public enum Status: Sendable, Equatable {
        case ok
        /// Rejected; dd prints `invalid number: ‘TEXT’`.
        case invalid
        /// Too large; dd adds `: Value too large for defined data type` (EOVERFLOW).
        case overflow
    }

    /// The value GNU computes, also when the status is not `.ok`: `Int64.max` on overflow, and
    /// whatever `parse_integer` left otherwise (dd's range check still looks at it).
    public var value: Int64
    public var status: Status
    /// The text starts with `0x` and the product is zero: GNU warns `‘0x’ is a zero multiplier`.
    public var warnsZeroMultiplier: Bool

    /// Parses `text` as GNU dd 9.1 does.
    public init(parsing text: String) {
        self = DDNumber.parse(Array(text.utf8))
    }

    init(value: Int64, status: Status, warnsZeroMultiplier: Bool = false) {
        self.value = value
        self.status = status
        self.warnsZeroMultiplier = warnsZeroMultiplier
    }

    /// The warning GNU prints for `0x…`, without the program name.
    public static func zeroMultiplierWarning(locale: QuotingLocale) -> String {
        "warning: \(Quoting.quote("0x", locale: locale)) is a zero multiplier; "
            + "use \(Quoting.quote("00x", locale: locale)) if that is intended"
    }

    // MARK: - parse_integer

    private static func parse(_ text: [UInt8]) -> DDNumber {
        var scan = StrtoumaxScan(text, from: 0)
        var error = scan.error
        var suffix = scan.end
        let n = scan.value

        // A trailing 'B' (not "BB") after the number: "10B" counts bytes; the caller notices the
        // 'B' itself. Only a lone trailing B clears the error; "2Bx3" still reaches the product.
        if error.subtracting(.overflow) == .invalidSuffixChar, suffix < text.count,
            text[suffix] == UInt8(ascii: "B"), suffix > 0, text[suffix - 1] != UInt8(ascii: "B")
        {
            suffix += 1
            if suffix == text.count { error.remove(.invalidSuffixChar) }
        }

        if error.subtracting(.overflow) == .invalidSuffixChar, suffix < text.count,
            text[suffix] == UInt8(ascii: "x")
        {
            scan = StrtoumaxScan(text, from: suffix + 1)
            let f = scan.error
            if f.subtracting(.overflow) != [] {
                return DDNumber(value: 0, status: status(of: f))
            }
            let (product, wrapped) = n.multipliedReportingOverflow(by: scan.value)
            if wrapped || product > UInt64(Int64.max)
                || (product != 0 && error.union(f).contains(.overflow))
            {
                return DDNumber(value: Int64.max, status: .overflow)
            }
            let zeroWarning = product == 0 && text.starts(with: Array("0x".utf8))
            return DDNumber(value: Int64(product), status: .ok, warnsZeroMultiplier: zeroWarning)
        }
        if n <= UInt64(Int64.max) {
            return DDNumber(value: Int64(n), status: status(of: error))
        }
        return DDNumber(value: Int64.max, status: .overflow)
    }

    /// dd passes EOVERFLOW to `error()` only when the bits are exactly LONGINT_OVERFLOW.
    private static func status(of error: StrtolError) -> Status {
        if error == [] { return .ok }
        return error == .overflow ? .overflow : .invalid
    }
}

/// gnulib's `strtol_error` bits.
struct StrtolError: OptionSet, Sendable {
    let rawValue: Int
    static let overflow = StrtolError(rawValue: 1)
    static let invalidSuffixChar = StrtolError(rawValue: 2)
    static let invalid = StrtolError(rawValue: 4)
}

/// gnulib `xstrtoumax(s, &end, 10, &val, "bcEGkKMPTwYZ0")` as dd 9.1 calls it.
struct StrtoumaxScan {
    var value: UInt64 = 0
    /// Index just past what was consumed (where an invalid suffix character sits).
    var end: Int
    var error: StrtolError = []

    private static let validSuffixes = Set("bcEGkKMPTwYZ0".utf8)

    init(_ text: [UInt8], from start: Int) {
        end = start
        var i = start
        // strtoumax skips isspace() in the C locale; xstrtoumax refuses a minus sign.
        while i < text.count, [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains(text[i]) { i += 1 }
        if i < text.count, text[i] == UInt8(ascii: "-") {
            error = .invalid
            return
        }
        if i < text.count, text[i] == UInt8(ascii: "+") { i += 1 }
        var digits = 0
        var overflowed = false
        while i < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[i]) {
            let digit = UInt64(text[i] - UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit)
            if o1 || o2 { overflowed = true }
            value = overflowed ? UInt64.max : sum
            digits += 1
            i += 1
        }
        if digits == 0 {
            // No number: a valid suffix alone means 1 ("K" is 1024); anything else is invalid.
            i = start
            guard i < text.count, Self.validSuffixes.contains(text[i]) else {
                error = .invalid
                return
            }
            value = 1
        } else if overflowed {
            error = .overflow  // ERANGE: strtoumax returned UINTMAX_MAX
        }
        end = i
        guard i < text.count else { return }

        let letter = text[i]
        guard Self.validSuffixes.contains(letter) else {
            error.insert(.invalidSuffixChar)
            return
        }
        var base: UInt64 = 1024
        var suffixLength = 1
        let powerLetters = Array("EGkKMPTYZ".utf8)
        if powerLetters.contains(letter) {
            let second: UInt8? = i + 1 < text.count ? text[i + 1] : nil
            if second == UInt8(ascii: "i") {
                if i + 2 < text.count, text[i + 2] == UInt8(ascii: "B") { suffixLength += 2 }
            } else if second == UInt8(ascii: "B") || second == UInt8(ascii: "D") {
                base = 1000
                suffixLength += 1
            }
        }
        let scaleOverflow: Bool
        switch letter {
        case UInt8(ascii: "b"): scaleOverflow = Self.scale(&value, by: 512, times: 1)
        case UInt8(ascii: "c"): scaleOverflow = false
        case UInt8(ascii: "w"): scaleOverflow = Self.scale(&value, by: 2, times: 1)
        case UInt8(ascii: "k"), UInt8(ascii: "K"): scaleOverflow = Self.scale(&value, by: base, times: 1)
        case UInt8(ascii: "M"): scaleOverflow = Self.scale(&value, by: base, times: 2)
        case UInt8(ascii: "G"): scaleOverflow = Self.scale(&value, by: base, times: 3)
        case UInt8(ascii: "T"): scaleOverflow = Self.scale(&value, by: base, times: 4)
        case UInt8(ascii: "P"): scaleOverflow = Self.scale(&value, by: base, times: 5)
        case UInt8(ascii: "E"): scaleOverflow = Self.scale(&value, by: base, times: 6)
        case UInt8(ascii: "Z"): scaleOverflow = Self.scale(&value, by: base, times: 7)
        case UInt8(ascii: "Y"): scaleOverflow = Self.scale(&value, by: base, times: 8)
        default:
            // '0' is only a flag in the suffix list; it can never follow the digits.
            error.insert(.invalidSuffixChar)
            return
        }
        if scaleOverflow { error.insert(.overflow) }
        end = i + suffixLength
        if end < text.count { error.insert(.invalidSuffixChar) }
    }

    /// gnulib `bkm_scale_by_power`: saturate at UINTMAX_MAX and report overflow.
    private static func scale(_ value: inout UInt64, by factor: UInt64, times: Int) -> Bool {
        var overflow = false
        for _ in 0..<times {
            if value > UInt64.max / factor {
                value = UInt64.max
                overflow = true
            } else {
                value *= factor
            }
        }
        return overflow
    }
}
