#if canImport(Glibc)
import Glibc
#endif

/// printf-family formatting for the few conversions dd's output needs (`%g`, `%.0f`, `%.1Lf`),
/// through the C library so rounding and the locale's decimal point match GNU exactly.
public enum CFormat {
    /// `snprintf(format, value)` for one `double`.
    public static func format(_ format: String, _ value: Double) -> String {
        render(format, [value])
    }

    #if arch(x86_64) || arch(i386)
    /// `snprintf(format, value)` for one `long double` (`%Lf`).
    public static func format(_ format: String, longDouble value: Float80) -> String {
        render(format, [value])
    }
    #endif

    private static func render(_ format: String, _ arguments: [any CVarArg]) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        let count = withVaList(arguments) { list in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, list) }
        }
        guard count >= 0 else { return "" }
        // 512 bytes hold any double or long double printed with these formats except %f of
        // huge values; retry with the exact size if it was not enough.
        if Int(count) >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(count) + 1)
            _ = withVaList(arguments) { list in
                buffer.withUnsafeMutableBufferPointer {
                    vsnprintf($0.baseAddress, $0.count, format, list)
                }
            }
        }
        let end = buffer.firstIndex(of: 0) ?? buffer.endIndex
        return String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The current locale's decimal point, as gnulib `human_readable` reads it.
    public static var decimalPoint: String {
        guard let conv = localeconv(), let point = conv.pointee.decimal_point else { return "." }
        let text = String(cString: point)
        return text.isEmpty ? "." : text
    }
}
