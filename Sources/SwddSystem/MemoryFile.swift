#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// An anonymous file in memory (the C function is `memfd_create`): what a child program writes
/// to its standard error, kept to be read back once it has exited. A file rather than a pipe,
/// so a chatty child never blocks on a pipe nobody reads while its output is being read.
public final class MemoryFile: @unchecked Sendable {
    public let descriptor: FileDescriptor

    public init(name: String) throws(SystemError) {
        let fd = swdd_memfd(name)
        guard fd >= 0 else { throw SystemError.current("memfd_create", path: name) }
        descriptor = FileDescriptor(rawValue: fd, path: name)
    }

    /// Everything written so far (up to `limit` bytes), as text.
    public func text(limit: Int = 64 << 10) -> String {
        var bytes = [UInt8](repeating: 0, count: limit)
        let count = (try? bytes.withUnsafeMutableBytes { try descriptor.readAll(fromAbsoluteOffset: 0, into: $0) }) ?? 0
        return String(decoding: bytes[..<count], as: UTF8.self)
    }

    deinit { try? descriptor.close() }
}
