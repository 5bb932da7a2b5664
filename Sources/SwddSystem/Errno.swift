#if canImport(Glibc)
import Glibc
#endif

/// An errno value with a name (swift-system's `Errno`), so code above the system layer says
/// `.noSpace` rather than comparing raw `Int32`s. Only the values swdd decides on are named;
/// any other code still travels in `rawValue` and prints with the C library's text.
public struct Errno: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The value of `errno` right now (read at once after the failing call).
    public static var current: Errno { Errno(rawValue: errno) }

    /// For C libraries (libblkid) that fail without always setting `errno`: clear it before the
    /// call, then read `current(or:)` after it.
    public static func clear() { errno = 0 }

    /// `errno` after a failed call, or `fallback` when the call left it unset.
    public static func current(or fallback: Errno) -> Errno { errno == 0 ? fallback : current }

    public static let notPermitted = Errno(rawValue: EPERM)
    public static let noSuchFileOrDirectory = Errno(rawValue: ENOENT)
    public static let interrupted = Errno(rawValue: EINTR)
    public static let ioError = Errno(rawValue: EIO)
    public static let noSuchAddressOrDevice = Errno(rawValue: ENXIO)
    public static let badFileDescriptor = Errno(rawValue: EBADF)
    public static let resourceTemporarilyUnavailable = Errno(rawValue: EAGAIN)
    public static let noMemory = Errno(rawValue: ENOMEM)
    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let resourceBusy = Errno(rawValue: EBUSY)
    public static let fileExists = Errno(rawValue: EEXIST)
    public static let improperLink = Errno(rawValue: EXDEV)
    public static let notBlockDevice = Errno(rawValue: ENOTBLK)
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    public static let isDirectory = Errno(rawValue: EISDIR)
    public static let invalidArgument = Errno(rawValue: EINVAL)
    public static let inappropriateIOCTLForDevice = Errno(rawValue: ENOTTY)
    public static let textFileBusy = Errno(rawValue: ETXTBSY)
    public static let noSpace = Errno(rawValue: ENOSPC)
    public static let brokenPipe = Errno(rawValue: EPIPE)
    public static let illegalSeek = Errno(rawValue: ESPIPE)
    public static let noFunction = Errno(rawValue: ENOSYS)
    public static let notSupported = Errno(rawValue: EOPNOTSUPP)
    public static let overflow = Errno(rawValue: EOVERFLOW)
    public static let readOnlyFileSystem = Errno(rawValue: EROFS)

    /// The C library's text for the value, as `strerror` gives it (what GNU tools print).
    public var description: String {
        guard let text = strerror(rawValue) else { return "Unknown error \(rawValue)" }
        return String(cString: text)
    }
}
