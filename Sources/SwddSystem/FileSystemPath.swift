#if canImport(Glibc)
import Glibc
#endif

/// Operations on paths rather than on open descriptors.
public enum FileSystemPath {
    /// The C function is `unlink`.
    public static func remove(_ path: String) throws(SystemError) {
        if unlink(path) != 0 { throw SystemError.current("unlink", path: path) }
    }
}
