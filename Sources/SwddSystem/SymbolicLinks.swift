#if canImport(Glibc)
import Glibc
#endif

/// Symbolic links by path: how `systemctl enable` marks a unit wanted (a link in a
/// `*.wants/` directory), and how the running executable is named in procfs.
extension FileSystemPath {
    /// The C function is `symlink`: a new link at `path` whose content is `target`.
    public static func makeSymbolicLink(_ target: String, at path: String) throws(SystemError) {
        if symlink(target, path) != 0 { throw SystemError.current("symlink", path: path) }
    }

    /// The C function is `readlink`: what the link at `path` holds.
    public static func symbolicLinkTarget(_ path: String) throws(SystemError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        if count < 0 { throw SystemError.current("readlink", path: path) }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The C function is `lstat`: whether `path` names anything, a dangling link included
    /// (where `exists` follows the link and says no).
    public static func entryExists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }
}
