#if canImport(Glibc)
import Glibc
#endif

/// An empty directory of this process's own (a mount point for `verify --fsck`), removed when
/// done with.
public struct TemporaryDirectory: Sendable {
    public let path: String

    /// A directory made earlier (by `make`), to remove.
    public init(path: String) { self.path = path }

    /// The C function is `mkdtemp`: a new directory, mode 0700, named `prefix` and six random
    /// characters, in `$TMPDIR` (or /tmp).
    public static func make(prefix: String) throws(SystemError) -> TemporaryDirectory {
        var template = Array("\(systemTemporaryDirectory)/\(prefix)XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SystemError.current("mkdtemp", path: systemTemporaryDirectory)
        }
        return TemporaryDirectory(path: String(cString: made))
    }

    /// `$TMPDIR` when set, else /tmp.
    public static var systemTemporaryDirectory: String {
        ProcessEnvironment.value(of: "TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// The C function is `rmdir`: the directory must be empty (and not a mount point any more).
    public func remove() throws(SystemError) {
        if rmdir(path) != 0 { throw SystemError.current("rmdir", path: path) }
    }
}
