#if canImport(Glibc)
import Glibc
#endif

/// The process's environment and locale, and its exit: the C calls the front ends need at
/// start-up and at the end, kept in the system layer.
public enum ProcessEnvironment {
    /// The C function is `getenv`.
    public static func value(of name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }

    /// The C function is `setlocale(LC_ALL, "")`: adopt the locale the environment names, as
    /// GNU tools do at start-up (an uninstalled locale leaves "C").
    public static func adoptLocale() { _ = setlocale(LC_ALL, "") }

    /// The current `LC_CTYPE`'s character set, `nl_langinfo(CODESET)` (gnulib's `locale_charset`).
    public static var codeset: String { String(cString: nl_langinfo(nl_item(CODESET))) }

    /// The C function is `exit`: flushes nothing of ours (all output is written unbuffered).
    public static func exit(status: Int32) -> Never { Glibc.exit(status) }
}
