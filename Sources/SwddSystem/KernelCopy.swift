#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// The kernel's own copy paths. Each call is capped because the kernel caps them anyway
/// (MAX_RW_COUNT, 0x7ffff000) and a smaller slice keeps progress and signals responsive.
public enum KernelCopy {
    public static let maximumSlice = 0x7ffff000

    /// The C function is `copy_file_range`: file to file inside the kernel (reflinks where the
    /// filesystem can). Returns bytes copied; 0 at end of input. Throws EXDEV/EINVAL/ENOSYS/
    /// EOPNOTSUPP when the pair is unsupported, so callers fall back to read/write.
    public static func copyFileRange(from input: FileDescriptor, at inputOffset: inout Int64,
                                     to output: FileDescriptor, at outputOffset: inout Int64,
                                     count: Int) throws(SystemError) -> Int {
        while true {
            let n = swdd_copy_file_range(input.rawValue, &inputOffset, output.rawValue, &outputOffset,
                                         min(count, maximumSlice), 0)
            if n >= 0 { return n }
            if errno != EINTR { throw SystemError.current("copy_file_range", path: input.path) }
        }
    }

    /// Whether a `copy_file_range` failure means "not for this pair of files" rather than an I/O error.
    public static func isUnsupported(_ error: SystemError) -> Bool {
        [.improperLink, .invalidArgument, .noFunction, .notSupported, .badFileDescriptor, .textFileBusy, .notPermitted].contains(error.code)
    }
}

extension KernelCopy {
    /// The C function is `splice`: moves file pages into a pipe (or a pipe's into a file)
    /// without copying them through user space. `inputOffset` nil uses and advances the file
    /// offset. Returns bytes moved; 0 at end of input. May move less than asked.
    public static func splice(from input: FileDescriptor, at inputOffset: UnsafeMutablePointer<Int64>?,
                              to output: FileDescriptor, count: Int) throws(SystemError) -> Int {
        while true {
            let n = swdd_splice(input.rawValue, inputOffset, output.rawValue, nil, min(count, maximumSlice), 0)
            if n >= 0 { return n }
            if errno != EINTR { throw SystemError.current("splice", path: input.path) }
        }
    }
}
