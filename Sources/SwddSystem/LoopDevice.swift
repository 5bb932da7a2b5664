#if canImport(Glibc)
import Glibc
#endif

/// What the kernel says about a loop device's backing file (`/sys/dev/block/MAJ:MIN/loop/`).
///
/// A loop device without direct I/O reads and writes through its backing file's page cache, a
/// second cache that dropping the loop device's own buffers (`BLKFLSBUF`) does not reach: who
/// wants cold reads from a loop device must drop the backing file's pages too.
public struct LoopBacking: Sendable, Equatable {
    /// The backing file's path as the kernel recorded it when the device was set up.
    public var path: String
    /// True when the loop device uses direct I/O on its backing file (`losetup --direct-io`):
    /// then the backing file's page cache is not used.
    public var directIO: Bool

    public init(path: String, directIO: Bool) {
        self.path = path
        self.directIO = directIO
    }

    /// The backing of the block device `major:minor`; nil when it is not a bound loop device.
    public static func of(major: UInt32, minor: UInt32) -> LoopBacking? {
        let base = "/sys/dev/block/\(major):\(minor)/loop"
        guard let path = readText("\(base)/backing_file")?.trimmingNewline(), !path.isEmpty else { return nil }
        let directIO = readText("\(base)/dio")?.trimmingNewline() == "1"
        return LoopBacking(path: String(path), directIO: directIO)
    }

    /// The loop devices (`major`, `minor`) whose backing file is the file `status` describes
    /// (the same device and inode, whatever path it was attached by).
    public static func devices(backedBy status: FileStatus) -> [(UInt32, UInt32)] {
        guard let dir = opendir("/sys/block") else { return [] }
        defer { closedir(dir) }
        var result: [(UInt32, UInt32)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix("loop"), let dev = readText("/sys/block/\(name)/dev") else { continue }
            let parts = dev.trimmingNewline().split(separator: ":")
            guard parts.count == 2, let major = UInt32(parts[0]), let minor = UInt32(parts[1]),
                  let backing = of(major: major, minor: minor),
                  let file = try? FileStatus.of(path: backing.path) else { continue }
            if file.device == status.device && file.inode == status.inode { result.append((major, minor)) }
        }
        return result
    }
}
