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

    /// The directory part of `path` (`.` for a bare name, `/` for a file in the root).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

extension FileSystemPath {
    /// The names in directory `path` (without `.` and `..`), in no particular order.
    public static func entries(of path: String) throws(SystemError) -> [String] {
        guard let directory = opendir(path) else { throw SystemError.current("opendir", path: path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The C function is `mkdir`; an existing directory is not an error.
    public static func makeDirectory(_ path: String, mode: UInt32 = 0o755) throws(SystemError) {
        if mkdir(path, mode_t(mode)) != 0 && errno != EEXIST { throw SystemError.current("mkdir", path: path) }
    }

    /// `fsync` on a directory: a rename or a new name in it is on the disk once this returns.
    public static func syncDirectory(_ path: String) throws(SystemError) {
        let directory = try FileDescriptor.open(path, flags: [.readOnly, .directory, .closeOnExec])
        defer { try? directory.close() }
        try directory.sync()
    }

    /// Writes `bytes` to `path` so that `path` either does not change or holds all of them:
    /// a temporary name beside it, `fsync`, `rename`, then the directory synced. With
    /// `replacing` false an existing `path` is an error (`EEXIST`) and stays as it was.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, replacing: Bool) throws(SystemError) {
        let temporary = directory(of: path) + "/.tmp-\(currentProcessID())-\(UInt32.random(in: 0...UInt32.max))"
        let file = try FileDescriptor.open(temporary, flags: [.writeOnly, .create, .exclusive, .closeOnExec], mode: 0o644)
        do throws(SystemError) {
            let incomplete = bytes.withUnsafeBytes { raw -> IncompleteWrite? in
                do throws(IncompleteWrite) { try file.writeAll(raw) } catch { return error }
                return nil
            }
            if let incomplete { throw incomplete.error }
            try file.sync()
            try file.close()
            if replacing {
                try rename(temporary, to: path)
            } else if Glibc.link(temporary, path) != 0 {
                // link(2) fails when the name exists, where rename would replace it.
                throw SystemError.current("link", path: path)
            } else {
                try remove(temporary)
            }
            try syncDirectory(directory(of: path))
        } catch {
            try? file.close()
            try? remove(temporary)
            throw error
        }
    }
}

extension FileSystemPath {
    /// The C function is `mkdtemp`: a new private directory `prefix` + six random characters.
    public static func makeTemporaryDirectory(prefix: String) throws(SystemError) -> String {
        var template = Array((prefix + "XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw SystemError.current("mkdtemp", path: prefix)
        }
        return String(cString: template.map { UInt8(bitPattern: $0) })
    }

    /// The C function is `rmdir`.
    public static func removeDirectory(_ path: String) throws(SystemError) {
        if rmdir(path) != 0 { throw SystemError.current("rmdir", path: path) }
    }
}
