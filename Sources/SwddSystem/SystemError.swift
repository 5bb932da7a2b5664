#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which operation, on which path, and the errno it returned.
/// The CLI renders it once, as one `swdd: …` line; the layers below only carry it.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The C call or the higher-level step that failed, e.g. "open", "read", "BLKGETSIZE64".
    public var operation: String
    /// The path involved, when there is one.
    public var path: String?
    /// The errno value.
    public var code: Errno

    public init(_ operation: String, path: String? = nil, code: Errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// Captures the current `errno`.
    public static func current(_ operation: String, path: String? = nil) -> SystemError {
        SystemError(operation, path: path, code: .current)
    }

    /// The C library's text for the errno, as `strerror` gives it (what GNU tools print).
    public var reason: String { code.description }

    public static func describe(_ code: Errno) -> String { code.description }

    public var description: String {
        if let path { return "\(operation) '\(path)': \(reason)" }
        return "\(operation): \(reason)"
    }
}
