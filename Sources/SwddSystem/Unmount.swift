#if canImport(Glibc)
import Glibc
#endif

/// Unmounting a filesystem this process (or another swdd) mounted.
public enum Unmount {
    /// The C function is `umount2`; `lazily` detaches it at once and lets its last user
    /// finish (MNT_DETACH), as libfuse does on a signal.
    public static func unmount(_ mountPoint: String, lazily: Bool = false) throws(SystemError) {
        let flags: Int32 = lazily ? Int32(MNT_DETACH) : 0
        if umount2(mountPoint, flags) != 0 { throw SystemError.current("umount", path: mountPoint) }
    }

    /// Whether this process may unmount itself (root), or must ask fusermount3, the setuid helper.
    public static var isPrivileged: Bool { geteuid() == 0 }
}
