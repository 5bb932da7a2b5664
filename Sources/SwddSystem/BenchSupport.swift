#if canImport(Glibc)
import Glibc
#endif

// Calls `swdd bench` needs that the rest of the system layer had no use for yet. Kept in their
// own file so the measuring code above stays free of C.

extension FileDescriptor {
    /// The C function is `posix_fadvise(POSIX_FADV_RANDOM)`: turns readahead off for this open
    /// file, as fio does for random workloads (its `fadvise_hint`). Advisory, so failures are ignored.
    public func adviseRandom() {
        _ = posix_fadvise(rawValue, 0, 0, POSIX_FADV_RANDOM)
    }

    /// The C function is `isatty`.
    public var isTerminal: Bool { isatty(rawValue) == 1 }
}

extension FileStatus {
    /// The C function is `stat` (symbolic links followed, so `/dev/disk/by-id/…` names the disk).
    public static func of(path: String) throws(SystemError) -> FileStatus {
        var st = stat()
        while stat(path, &st) != 0 {
            if errno != EINTR { throw SystemError.current("stat", path: path) }
        }
        return FileStatus(st)
    }
}

/// Operations on paths rather than on open descriptors.
public enum FileSystemPath {
    /// The C function is `unlink`.
    public static func remove(_ path: String) throws(SystemError) {
        if unlink(path) != 0 { throw SystemError.current("unlink", path: path) }
    }
}

extension MonotonicClock {
    /// The C function is `nanosleep`; an interrupted sleep simply ends early.
    public static func sleep(nanoseconds: UInt64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        _ = nanosleep(&request, nil)
    }
}

/// The C function is `getpid`; used to name temporary files.
public func currentProcessID() -> Int32 { getpid() }
