import SwddSystem

/// The two ways GNU's quoting functions behave on this system, decided by the locale's charset.
///
/// GNU dd calls `setlocale(LC_ALL, "")` at startup; gnulib's `quote()` then uses ‘curly’ quotes
/// when the charset can encode U+2018 as UTF-8 does, and treats the text as multibyte when
/// `MB_CUR_MAX > 1`. A locale that is not installed makes `setlocale` fail, so the process stays
/// in "C" and quoting falls back to ASCII — the same thing happens here because we ask the C
/// library, not the environment variables.
public enum QuotingLocale: Sendable, Equatable {
    /// Unibyte ASCII ("C", "POSIX", or an uninstalled locale): `quote()` gives `'x'`, and only
    /// bytes 0x20–0x7E count as printable.
    case c
    /// A UTF-8 locale: `quote()` gives `‘x’`, and valid printable UTF-8 characters pass through.
    case utf8

    /// Does what GNU dd's `main` does — `setlocale(LC_ALL, "")` — and reports the result.
    /// Call once at startup, before any message is built. It also makes `%g` use the locale's
    /// decimal point, exactly as GNU's summary does.
    public static func adoptEnvironmentLocale() -> QuotingLocale {
        ProcessEnvironment.adoptLocale()
        return current
    }

    /// The quoting behaviour of the process's current `LC_CTYPE`, read with
    /// `nl_langinfo(nl_item(CODESET))` (the C function gnulib's `locale_charset` uses).
    public static var current: QuotingLocale {
        ProcessEnvironment.codeset == "UTF-8" ? .utf8 : .c
    }

    /// gnulib `gettext_quote`'s left quotation mark for `locale_quoting_style`.
    var leftQuote: [UInt8] { self == .utf8 ? [0xE2, 0x80, 0x98] : [UInt8(ascii: "'")] }
    /// gnulib `gettext_quote`'s right quotation mark for `locale_quoting_style`.
    var rightQuote: [UInt8] { self == .utf8 ? [0xE2, 0x80, 0x99] : [UInt8(ascii: "'")] }
}
