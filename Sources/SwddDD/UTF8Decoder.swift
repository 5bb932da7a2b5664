/// What glibc's `mbrtoc32` and `iswprint` report in a UTF-8 locale, without touching the process
/// locale (Swift's Glibc module does not import `<wctype.h>`).
enum UTF8Decoder {
    enum Result: Equatable {
        /// A well-formed character of `length` bytes.
        case scalar(Unicode.Scalar, length: Int)
        /// `mbrtoc32` returned (size_t)-1: not valid UTF-8 at this byte.
        case invalid
        /// `mbrtoc32` returned (size_t)-2: a valid prefix cut short by the end of the text.
        case incomplete
    }

    /// Decodes one character at `index` following Unicode's well-formed UTF-8 table
    /// (no overlongs, no surrogates, nothing above U+10FFFF), as glibc does.
    static func decode(_ bytes: [UInt8], at index: Int) -> Result {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0x00...0x7F:
            return .scalar(Unicode.Scalar(lead), length: 1)
        case 0xC2...0xDF:
            length = 2
            value = UInt32(lead & 0x1F)
        case 0xE0...0xEF:
            length = 3
            value = UInt32(lead & 0x0F)
            if lead == 0xE0 { secondRange = 0xA0...0xBF }
            if lead == 0xED { secondRange = 0x80...0x9F }
        case 0xF0...0xF4:
            length = 4
            value = UInt32(lead & 0x07)
            if lead == 0xF0 { secondRange = 0x90...0xBF }
            if lead == 0xF4 { secondRange = 0x80...0x8F }
        default:
            return .invalid
        }
        for offset in 1..<length {
            let position = index + offset
            guard position < bytes.count else { return .incomplete }
            let byte = bytes[position]
            let range: ClosedRange<UInt8> = offset == 1 ? secondRange : 0x80...0xBF
            guard range.contains(byte) else { return .invalid }
            value = (value << 6) | UInt32(byte & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return .invalid }
        return .scalar(scalar, length: length)
    }

    /// glibc's `print` class for UTF-8 locales (localedata/unicode-gen `is_print`): every assigned
    /// character except controls and the line/paragraph separators. Format characters such as
    /// U+200B and private-use characters are printable.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate:
            return false
        default:
            return true
        }
    }
}
