#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// An open file descriptor. Each method is the C call named in its comment, retried on EINTR,
/// returning counts as they are (short reads and writes are the caller's to handle) and
/// throwing `SystemError` that names the call and the path.
public struct FileDescriptor: Sendable, Hashable {
    public let rawValue: Int32
    /// The path it was opened with (for messages), if any.
    public let path: String?

    public init(rawValue: Int32, path: String? = nil) {
        self.rawValue = rawValue
        self.path = path
    }

    public static let standardInput = FileDescriptor(rawValue: 0)
    public static let standardOutput = FileDescriptor(rawValue: 1)
    public static let standardError = FileDescriptor(rawValue: 2)

    /// The C function is `open`. The descriptor is never 0, 1 or 2: when a standard stream is
    /// closed, the lowest free number would make the file that stream, and messages or listings
    /// would be written into it. It is moved up (`fcntl(F_DUPFD)`), so the stream stays closed
    /// and writing to it fails, as it does in GNU tools.
    public static func open(_ path: String, flags: OpenFlags, mode: UInt32 = 0o666) throws(SystemError) -> FileDescriptor {
        while true {
            let fd = swdd_open(path, flags.rawValue, mode)
            if fd > 2 { return FileDescriptor(rawValue: fd, path: path) }
            if fd >= 0 { return try FileDescriptor(rawValue: fd, path: path).movedAboveStandardStreams(closeOnExec: flags.contains(.closeOnExec)) }
            if errno != EINTR { throw SystemError.current("open", path: path) }
        }
    }

    /// `fcntl(F_DUPFD)` to 3 or above, then closes this descriptor.
    private func movedAboveStandardStreams(closeOnExec: Bool) throws(SystemError) -> FileDescriptor {
        let moved = fcntl(rawValue, closeOnExec ? F_DUPFD_CLOEXEC : F_DUPFD, Int32(3))
        if moved < 0 {
            let error = SystemError.current("open", path: path)
            _ = Glibc.close(rawValue)
            throw error
        }
        _ = Glibc.close(rawValue)
        return FileDescriptor(rawValue: moved, path: path)
    }

    /// The C function is `close`. EINTR leaves the descriptor closed on Linux, so it is not retried.
    public func close() throws(SystemError) {
        if Glibc.close(rawValue) != 0 && errno != EINTR { throw SystemError.current("close", path: path) }
    }

    /// The C function is `read`. Returns 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let n = Glibc.read(rawValue, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw SystemError.current("read", path: path) }
        }
    }

    /// The C function is `pread`. Returns 0 at end of file.
    public func read(fromAbsoluteOffset offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let n = pread(rawValue, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw SystemError.current("read", path: path) }
        }
    }

    /// The C function is `write`. May write fewer bytes than asked.
    public func write(_ buffer: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let n = Glibc.write(rawValue, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw SystemError.current("write", path: path) }
        }
    }

    /// The C function is `pwrite`. May write fewer bytes than asked.
    public func write(toAbsoluteOffset offset: Int64, _ buffer: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let n = pwrite(rawValue, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw SystemError.current("write", path: path) }
        }
    }

    public enum Whence: Sendable {
        case start, current, end, data, hole
        var raw: Int32 {
            switch self {
            case .start: SEEK_SET
            case .current: SEEK_CUR
            case .end: SEEK_END
            case .data: swdd_whence_data()
            case .hole: swdd_whence_hole()
            }
        }
    }

    /// The C function is `lseek`.
    @discardableResult
    public func seek(offset: Int64, from whence: Whence) throws(SystemError) -> Int64 {
        let r = lseek(rawValue, off_t(offset), whence.raw)
        if r < 0 { throw SystemError.current("lseek", path: path) }
        return Int64(r)
    }

    /// The C function is `fstat`.
    public func status() throws(SystemError) -> FileStatus {
        var st = stat()
        while fstat(rawValue, &st) != 0 {
            if errno != EINTR { throw SystemError.current("fstat", path: path) }
        }
        return FileStatus(st)
    }

    /// The C function is `fsync`.
    public func sync() throws(SystemError) {
        while fsync(rawValue) != 0 {
            if errno != EINTR { throw SystemError.current("fsync", path: path) }
        }
    }

    /// The C function is `fdatasync`.
    public func syncData() throws(SystemError) {
        while fdatasync(rawValue) != 0 {
            if errno != EINTR { throw SystemError.current("fdatasync", path: path) }
        }
    }

    /// The C function is `ftruncate`.
    public func truncate(to size: Int64) throws(SystemError) {
        while ftruncate(rawValue, off_t(size)) != 0 {
            if errno != EINTR { throw SystemError.current("ftruncate", path: path) }
        }
    }

    /// The C function is `fcntl(F_GETFL)`.
    public func statusFlags() throws(SystemError) -> OpenFlags {
        let f = swdd_fcntl_getfl(rawValue)
        if f < 0 { throw SystemError.current("fcntl", path: path) }
        return OpenFlags(rawValue: f)
    }

    /// The C function is `fcntl(F_SETFL)`.
    public func setStatusFlags(_ flags: OpenFlags) throws(SystemError) {
        if swdd_fcntl_setfl(rawValue, flags.rawValue) != 0 { throw SystemError.current("fcntl", path: path) }
    }

    /// The C function is `sync_file_range(SYNC_FILE_RANGE_WRITE)`: starts writing a range's
    /// dirty pages back without waiting, so a later `fdatasync` has less left to wait for.
    /// Advisory (pipes and some file systems refuse it), so failures are ignored.
    public func startWriteback(offset: Int64, length: Int64) {
        _ = swdd_start_writeback(rawValue, offset, length)
    }

    /// The C function is `posix_fadvise(POSIX_FADV_DONTNEED)`; advisory, so failures are ignored.
    public func dropCache(offset: Int64, length: Int64) {
        _ = swdd_fadvise_dontneed(rawValue, offset, length)
    }

    /// The C function is `posix_fadvise(POSIX_FADV_SEQUENTIAL)`; advisory.
    public func adviseSequential() {
        _ = swdd_fadvise_sequential(rawValue)
    }

    /// The C function is `posix_fadvise(POSIX_FADV_RANDOM)`: turns readahead off for this open
    /// file, as fio does for random workloads. Advisory, so failures are ignored.
    public func adviseRandom() {
        _ = posix_fadvise(rawValue, 0, 0, POSIX_FADV_RANDOM)
    }

    /// The C function is `isatty`.
    public var isTerminal: Bool { isatty(rawValue) == 1 }
}
