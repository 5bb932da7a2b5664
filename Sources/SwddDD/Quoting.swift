/// GNU's three ways of quoting a word in a diagnostic, as coreutils 9.1 uses them in dd:
///
/// - ``quote(_:locale:)`` — gnulib `quote()`: `'x'` or `‘x’`, C-style backslash escapes.
///   dd uses it for operands and symbols (`unrecognized operand ‘foo’`, `invalid number: ‘1x’`).
/// - ``quoteAlways(_:locale:)`` — coreutils `quoteaf()`: shell quoting, always quoted, `$'\n'`
///   escapes, ASCII quotes in every locale. dd uses it for file names (`failed to open 'a b'`).
/// - ``quoteIfNeeded(_:locale:)`` — coreutils `quotef()`: the same shell quoting, but only when the
///   name needs it (a colon counts). dd uses it before a colon (`a: cannot skip to specified offset`).
///
/// The implementation is a port of gnulib `quotearg_buffer_restyled` restricted to the styles
/// above, so odd names (quotes, newlines, invalid UTF-8) come out byte for byte as GNU prints them.
public enum Quoting {
    /// gnulib `quote()` (`locale_quoting_style`).
    public static func quote(_ text: String, locale: QuotingLocale) -> String {
        render(quote(bytes: Array(text.utf8), locale: locale))
    }

    /// coreutils `quoteaf()` (`shell_escape_always_quoting_style`).
    public static func quoteAlways(_ text: String, locale: QuotingLocale) -> String {
        render(quoteAlways(bytes: Array(text.utf8), locale: locale))
    }

    /// coreutils `quotef()` (`shell_escape_quoting_style` with ':' also quoted).
    public static func quoteIfNeeded(_ text: String, locale: QuotingLocale) -> String {
        render(quoteIfNeeded(bytes: Array(text.utf8), locale: locale))
    }

    /// Byte-level ``quote(_:locale:)``, for names that are not valid UTF-8.
    public static func quote(bytes: [UInt8], locale: QuotingLocale) -> [UInt8] {
        QuoteRestyler.restyle(
            bytes, style: .locale, elideOuterQuotes: false, quoteTheseToo: [],
            leftQuote: locale.leftQuote, rightQuote: locale.rightQuote, unibyte: locale == .c)
    }

    /// Byte-level ``quoteAlways(_:locale:)``.
    public static func quoteAlways(bytes: [UInt8], locale: QuotingLocale) -> [UInt8] {
        QuoteRestyler.restyle(
            bytes, style: .shellEscapeAlways, elideOuterQuotes: false, quoteTheseToo: [],
            leftQuote: [], rightQuote: [], unibyte: locale == .c)
    }

    /// Byte-level ``quoteIfNeeded(_:locale:)``.
    public static func quoteIfNeeded(bytes: [UInt8], locale: QuotingLocale) -> [UInt8] {
        QuoteRestyler.restyle(
            bytes, style: .shellEscape, elideOuterQuotes: false, quoteTheseToo: [UInt8(ascii: ":")],
            leftQuote: [], rightQuote: [], unibyte: locale == .c)
    }

    /// The quoted output is valid UTF-8: in the C locale every byte ≥ 0x80 is escaped, and in a
    /// UTF-8 locale only well-formed characters pass through unescaped.
    private static func render(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// The quoting styles of gnulib's `enum quoting_style` that dd's messages need.
enum QuotingStyle {
    case locale
    case c
    case shellAlways
    case shellEscape
    case shellEscapeAlways
}

/// A port of gnulib `quotearg_buffer_restyled` (quotearg.c), kept close to the C so that its
/// many special cases can be checked line by line. `nil` from ``run()`` is the C code's
/// `goto force_outer_quoting_style`.
struct QuoteRestyler {
    let arg: [UInt8]
    let unibyte: Bool
    let quoteTheseToo: Set<UInt8>
    let leftQuote: [UInt8]
    let rightQuote: [UInt8]
    var quotingStyle: QuotingStyle
    var elideOuterQuotes: Bool
    var backslashEscapes = false
    var quoteString: [UInt8] = []
    var out: [UInt8] = []
    var pendingShellEscapeEnd = false
    var escaping = false
    var encounteredSingleQuote = false
    var allCAndShellQuoteCompat = true

    static func restyle(
        _ arg: [UInt8], style: QuotingStyle, elideOuterQuotes: Bool, quoteTheseToo: Set<UInt8>,
        leftQuote: [UInt8], rightQuote: [UInt8], unibyte: Bool
    ) -> [UInt8] {
        var restyler = QuoteRestyler(
            arg: arg, unibyte: unibyte, quoteTheseToo: quoteTheseToo, leftQuote: leftQuote,
            rightQuote: rightQuote, quotingStyle: style, elideOuterQuotes: elideOuterQuotes)
        if let result = restyler.run() { return result }
        // force_outer_quoting_style: outer quotes are enough, so drop quote_these_too.
        let forced: QuotingStyle =
            (restyler.quotingStyle == .shellAlways && restyler.backslashEscapes)
            ? .shellEscapeAlways : restyler.quotingStyle
        return restyle(
            arg, style: forced, elideOuterQuotes: false, quoteTheseToo: [],
            leftQuote: leftQuote, rightQuote: rightQuote, unibyte: unibyte)
    }

    private enum Next { case check, storeEscape, storeC }

    private static let singleQuote = UInt8(ascii: "'")
    private static let backslash = UInt8(ascii: "\\")

    /// START_ESC; false means the caller must force outer quoting.
    private mutating func startEscape() -> Bool {
        if elideOuterQuotes { return false }
        escaping = true
        if quotingStyle == .shellAlways && !pendingShellEscapeEnd {
            out += [Self.singleQuote, UInt8(ascii: "$"), Self.singleQuote]
            pendingShellEscapeEnd = true
        }
        out.append(Self.backslash)
        return true
    }

    /// END_ESC
    private mutating func endEscape() {
        if pendingShellEscapeEnd && !escaping {
            out += [Self.singleQuote, Self.singleQuote]
            pendingShellEscapeEnd = false
        }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    mutating func run() -> [UInt8]? {
        switch quotingStyle {
        case .c:
            if !elideOuterQuotes { out.append(UInt8(ascii: "\"")) }
            backslashEscapes = true
            quoteString = [UInt8(ascii: "\"")]
        case .locale:
            if !elideOuterQuotes { out += leftQuote }
            backslashEscapes = true
            quoteString = rightQuote
        case .shellEscape, .shellEscapeAlways, .shellAlways:
            if quotingStyle == .shellEscape {
                backslashEscapes = true
                elideOuterQuotes = true
            }
            if quotingStyle == .shellEscapeAlways && !elideOuterQuotes { backslashEscapes = true }
            quotingStyle = .shellAlways
            if !elideOuterQuotes { out.append(Self.singleQuote) }
            quoteString = [Self.singleQuote]
        }

        let argsize = arg.count
        var i = 0
        while i < argsize {
            var c = arg[i]
            var isRightQuote = false
            var cAndShellQuoteCompat = false
            var next = Next.check
            escaping = false

            if backslashEscapes && quotingStyle != .shellAlways && !quoteString.isEmpty
                && i + quoteString.count <= argsize
                && arg[i..<(i + quoteString.count)].elementsEqual(quoteString)
            {
                if elideOuterQuotes { return nil }
                isRightQuote = true
            }

            switch c {
            case 0:
                if backslashEscapes {
                    guard startEscape() else { return nil }
                    if quotingStyle != .shellAlways && i + 1 < argsize
                        && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(arg[i + 1])
                    {
                        out += [UInt8(ascii: "0"), UInt8(ascii: "0")]
                    }
                    c = UInt8(ascii: "0")
                } else {
                    // quote()/quoteaf() set QA_ELIDE_NULL_BYTES.
                    i += 1
                    continue
                }
            case UInt8(ascii: "?"):
                if quotingStyle == .shellAlways && elideOuterQuotes { return nil }
            case 0x07, 0x08, 0x0C, 0x0B:  // \a \b \f \v: C escapes only
                if backslashEscapes {
                    c = Self.escapeLetter(c)
                    next = .storeEscape
                }
            case 0x0A, 0x0D, 0x09:  // \n \r \t: C and shell escapes
                if quotingStyle == .shellAlways && elideOuterQuotes { return nil }
                if backslashEscapes {
                    c = Self.escapeLetter(c)
                    next = .storeEscape
                }
            case Self.backslash:
                if quotingStyle == .shellAlways {
                    if elideOuterQuotes { return nil }
                    next = .storeC
                } else if backslashEscapes && elideOuterQuotes && !quoteString.isEmpty {
                    next = .storeC
                } else if backslashEscapes {
                    next = .storeEscape
                }
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "~"),
                UInt8(ascii: " "):
                // '{' '}' are special only alone, '#' '~' only first; ' ' always.
                let isBrace = c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
                let isLeading = c == UInt8(ascii: "#") || c == UInt8(ascii: "~")
                if isBrace && argsize != 1 { break }
                if (isBrace || isLeading) && i != 0 { break }
                cAndShellQuoteCompat = true
                if quotingStyle == .shellAlways && elideOuterQuotes { return nil }
            case UInt8(ascii: "!"), UInt8(ascii: "\""), UInt8(ascii: "$"), UInt8(ascii: "&"),
                UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: ";"),
                UInt8(ascii: "<"), UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "["),
                UInt8(ascii: "^"), UInt8(ascii: "`"), UInt8(ascii: "|"):
                if quotingStyle == .shellAlways && elideOuterQuotes { return nil }
            case Self.singleQuote:
                encounteredSingleQuote = true
                cAndShellQuoteCompat = true
                if quotingStyle == .shellAlways {
                    if elideOuterQuotes { return nil }
                    out += [Self.singleQuote, Self.backslash, Self.singleQuote]
                    pendingShellEscapeEnd = false
                }
            case UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "-"),
                UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "0")...UInt8(ascii: ":"),
                UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "]"), UInt8(ascii: "_"),
                UInt8(ascii: "a")...UInt8(ascii: "z"):
                cAndShellQuoteCompat = true
            default:
                let (length, printable) = characterAt(i)
                cAndShellQuoteCompat = printable
                if 1 < length || (backslashEscapes && !printable) {
                    // Copy a multibyte sequence, or escape every byte of an unprintable one.
                    let limit = i + length
                    while true {
                        if backslashEscapes && !printable {
                            guard startEscape() else { return nil }
                            out.append(UInt8(ascii: "0") + (c >> 6))
                            out.append(UInt8(ascii: "0") + ((c >> 3) & 7))
                            c = UInt8(ascii: "0") + (c & 7)
                        } else if isRightQuote {
                            out.append(Self.backslash)
                            isRightQuote = false
                        }
                        if limit <= i + 1 { break }
                        endEscape()
                        out.append(c)
                        i += 1
                        c = arg[i]
                    }
                    next = .storeC
                }
            }

            if next == .check {
                let quoteThis =
                    ((backslashEscapes && quotingStyle != .shellAlways) || elideOuterQuotes)
                    && quoteTheseToo.contains(c)
                next = (!quoteThis && !isRightQuote) ? .storeC : .storeEscape
            }
            if next == .storeEscape {
                guard startEscape() else { return nil }
            }
            endEscape()
            out.append(c)
            if !cAndShellQuoteCompat { allCAndShellQuoteCompat = false }
            i += 1
        }

        if out.isEmpty && quotingStyle == .shellAlways && elideOuterQuotes { return nil }

        // An apostrophe reads better as "it's" than 'it'\''s' when nothing else needs escaping.
        if quotingStyle == .shellAlways && !elideOuterQuotes && encounteredSingleQuote
            && allCAndShellQuoteCompat
        {
            return Self.restyle(
                arg, style: .c, elideOuterQuotes: false, quoteTheseToo: quoteTheseToo,
                leftQuote: leftQuote, rightQuote: rightQuote, unibyte: unibyte)
        }

        if !elideOuterQuotes { out += quoteString }
        return out
    }

    private static func escapeLetter(_ c: UInt8) -> UInt8 {
        switch c {
        case 0x07: return UInt8(ascii: "a")
        case 0x08: return UInt8(ascii: "b")
        case 0x0C: return UInt8(ascii: "f")
        case 0x0B: return UInt8(ascii: "v")
        case 0x0A: return UInt8(ascii: "n")
        case 0x0D: return UInt8(ascii: "r")
        default: return UInt8(ascii: "t")
        }
    }

    /// What gnulib learns from `mbrtoc32` + `c32isprint` at `index`: the byte length of the
    /// character (0 for an invalid byte, the rest of the string for a truncated sequence) and
    /// whether it is printable.
    private func characterAt(_ index: Int) -> (length: Int, printable: Bool) {
        let c = arg[index]
        if unibyte {
            // isprint() in the C locale.
            return (1, c >= 0x20 && c < 0x7F)
        }
        switch UTF8Decoder.decode(arg, at: index) {
        case .invalid:
            return (0, false)
        case .incomplete:
            return (arg.count - index, false)
        case .scalar(let scalar, let length):
            return (length, UTF8Decoder.isPrintable(scalar))
        }
    }
}
