import CLinuxShims

/// The kind of file system a path lives on, from `statfs`'s `f_type` magic number: enough to
/// tell the file systems whose files live in RAM, where "cold" reads do not exist.
public struct FileSystemType: Sendable, Equatable {
    /// `f_type`, e.g. `0x01021994` for tmpfs (linux/magic.h).
    public let magic: UInt64

    public init(magic: UInt64) { self.magic = magic }

    /// The C function is `statfs`.
    public static func of(path: String) throws(SystemError) -> FileSystemType {
        var magic: UInt64 = 0
        if swdd_statfs_type(path, &magic) != 0 { throw SystemError.current("statfs", path: path) }
        return FileSystemType(magic: magic)
    }

    static let tmpfs: UInt64 = 0x0102_1994
    static let ramfs: UInt64 = 0x8584_58F6

    /// The file system's name when its files are kept in memory (tmpfs, ramfs): reading them
    /// never reaches a device, whatever is dropped from the page cache. Nil otherwise.
    public var memoryFileSystemName: String? {
        switch magic {
        case Self.tmpfs: return "tmpfs"
        case Self.ramfs: return "ramfs"
        default: return nil
        }
    }
}
