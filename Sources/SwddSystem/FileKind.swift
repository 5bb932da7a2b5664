#if canImport(Glibc)
import Glibc
#endif

/// What an open descriptor refers to; decides which fast paths are safe.
public enum FileKind: Sendable, Equatable {
    case regular, blockDevice, characterDevice, fifo, socket, directory, symlink, unknown

    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFBLK: self = .blockDevice
        case S_IFCHR: self = .characterDevice
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symlink
        default: self = .unknown
        }
    }

    /// Files and block devices return full reads until EOF, so their reads may be batched
    /// without changing what dd would have counted.
    public var readsAreFull: Bool { self == .regular || self == .blockDevice }
}

/// The facts of `fstat` that swdd uses.
public struct FileStatus: Sendable, Equatable {
    public var kind: FileKind
    public var size: Int64
    public var device: UInt64
    /// For device nodes: the device they stand for (`st_rdev`).
    public var representedDevice: UInt64
    public var inode: UInt64
    public var linkCount: UInt64
    public var blockSize: Int

    /// The C function is `stat` (symbolic links followed, so `/dev/disk/by-id/…` names the disk).
    public static func of(path: String) throws(SystemError) -> FileStatus {
        var st = stat()
        while stat(path, &st) != 0 {
            if errno != EINTR { throw SystemError.current("stat", path: path) }
        }
        return FileStatus(st)
    }

    public init(_ st: stat) {
        kind = FileKind(mode: st.st_mode)
        size = Int64(st.st_size)
        device = UInt64(st.st_dev)
        representedDevice = UInt64(st.st_rdev)
        inode = UInt64(st.st_ino)
        linkCount = UInt64(st.st_nlink)
        blockSize = Int(st.st_blksize)
    }

    /// `/dev/null`, `/dev/zero` and `/dev/full` (character major 1): reads are always full and
    /// the size of a write makes no difference, so I/O to them may be batched like a file's.
    public var isMemoryDevice: Bool {
        kind == .characterDevice && representedMajor == 1 && [3, 5, 7].contains(representedMinor)
    }

    public var representedMajor: UInt32 { UInt32((representedDevice >> 8) & 0xfff) | UInt32((representedDevice >> 32) & ~0xfff) }
    public var representedMinor: UInt32 { UInt32(representedDevice & 0xff) | UInt32((representedDevice >> 12) & ~0xff) }
}
