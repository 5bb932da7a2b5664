#if canImport(Glibc)
import Glibc
#endif

/// Operations on paths rather than on open descriptors.
public enum FileSystemPath {
    /// The C function is `unlink`.
    public static func remove(_ path: String) throws(SystemError) {
        if unlink(path) != 0 { throw SystemError.current("unlink", path: path) }
    }

    /// The C function is `rename`: atomically replaces `target` with `source`.
    public static func rename(_ source: String, to target: String) throws(SystemError) {
        if Glibc.rename(source, target) != 0 { throw SystemError.current("rename", path: target) }
    }

    /// The C function is `access(F_OK)`: whether anything exists at `path`.
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
