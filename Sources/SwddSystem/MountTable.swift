#if canImport(Glibc)
import Glibc
#endif

/// Which block devices are in use by the system: mounted (`/proc/self/mountinfo`), active swap
/// (`/proc/swaps`), or holding a mounted partition. Mechanism only: the CLI decides to refuse.
public struct MountTable: Sendable {
    public struct Entry: Sendable, Equatable {
        public var major: UInt32
        public var minor: UInt32
        public var mountPoint: String
        public var source: String
        /// The file system type (`ext4`, `devtmpfs`, …).
        public var fileSystemType: String = ""
        /// The superblock is read-only (its options, the last field, start with `ro`): no mount
        /// of it can write, whatever this mount point's own options say.
        public var isReadOnly = false
    }

    public var entries: [Entry]
    public var swapDevices: [String]

    public init(entries: [Entry], swapDevices: [String]) {
        self.entries = entries
        self.swapDevices = swapDevices
    }

    /// Reads the current table. Missing /proc files give an empty table (nothing known mounted).
    public static func current() -> MountTable {
        MountTable(entries: parseMountInfo(readText("/proc/self/mountinfo") ?? ""),
                   swapDevices: parseSwaps(readText("/proc/swaps") ?? ""))
    }

    /// mountinfo lines: `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL…] - FSTYPE SOURCE SUPER`.
    public static func parseMountInfo(_ text: String) -> [Entry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5 else { return nil }
            let numbers = fields[2].split(separator: ":")
            guard numbers.count == 2, let major = UInt32(numbers[0]), let minor = UInt32(numbers[1]) else { return nil }
            var source = ""
            var type = ""
            var readOnly = false
            if let dash = fields.firstIndex(of: "-"), dash + 2 < fields.count {
                type = String(fields[dash + 1])
                source = unescape(String(fields[dash + 2]))
                if dash + 3 < fields.count { readOnly = fields[dash + 3].split(separator: ",").first == "ro" }
            }
            return Entry(major: major, minor: minor, mountPoint: unescape(String(fields[4])), source: source,
                         fileSystemType: type, isReadOnly: readOnly)
        }
    }

    /// Whether the directory `directory` lies on the devtmpfs mounted at `/dev` (where a new
    /// regular file is almost surely a mistyped device name; `/dev/shm` is a mount of its own).
    public func isOnDevtmpfs(_ directory: String) -> Bool {
        guard let dev = entries.last(where: { $0.mountPoint == "/dev" }), dev.fileSystemType == "devtmpfs",
              let devStatus = try? FileStatus.of(path: "/dev"), let status = try? FileStatus.of(path: directory) else { return false }
        return status.device == devStatus.device
    }

    public static func parseSwaps(_ text: String) -> [String] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            line.split(separator: " ", omittingEmptySubsequences: true).first.map { unescape(String($0)) }
        }
    }

    /// What the tables say a device is used for. A value: the CLI words it.
    public enum Usage: Sendable, Equatable {
        /// The device, or one of its partitions, is mounted on this mount point.
        case mounted(on: String)
        case swap
    }

    /// Why the device `major:minor` (a whole disk or a partition) is busy, or nil when it is not:
    /// mounted itself, one of its partitions mounted, or used as swap.
    public func usage(ofDeviceMajor major: UInt32, minor: UInt32, path: String) -> Usage? {
        var devices = [(major, minor)]
        devices += Self.partitions(ofMajor: major, minor: minor)
        for (maj, min) in devices {
            if let entry = entries.first(where: { $0.major == maj && $0.minor == min }) {
                return .mounted(on: entry.mountPoint)
            }
        }
        let canonical = Self.canonicalPath(path)
        if swapDevices.contains(where: { Self.canonicalPath($0) == canonical }) { return .swap }
        return nil
    }

    /// The mounted file systems whose blocks the file or device `status` holds, one entry per
    /// file system (bind mounts of one are the same blocks): a block device's own, those of its
    /// partitions, and, for a regular file, those of the loop devices it backs.
    public func filesystems(heldBy status: FileStatus) -> [Entry] {
        var devices: [(UInt32, UInt32)] = []
        switch status.kind {
        case .blockDevice:
            devices = [(status.representedMajor, status.representedMinor)]
            devices += Self.partitions(ofMajor: status.representedMajor, minor: status.representedMinor)
        case .regular:
            for loop in LoopBacking.devices(backedBy: status) {
                devices += [loop] + Self.partitions(ofMajor: loop.0, minor: loop.1)
            }
        default:
            return []
        }
        return devices.compactMap { device in entries.first { $0.major == device.0 && $0.minor == device.1 } }
    }

    /// The mount holding `path` (which must exist): the last-mounted entry whose mount point is
    /// the longest prefix of its real path. Nil when the path cannot be resolved.
    public func entry(containing path: String) -> Entry? {
        guard let resolved = realpath(path, nil) else { return nil }
        let real = String(cString: resolved)
        free(resolved)
        var best: Entry?
        for entry in entries {
            let point = entry.mountPoint
            let inside = real == point || point == "/" || real.hasPrefix(point + "/")
            if inside && point.count >= (best?.mountPoint.count ?? 0) { best = entry }
        }
        return best
    }

    /// Partition numbers of a whole disk, from `/sys/dev/block/MAJ:MIN/*/dev`.
    static func partitions(ofMajor major: UInt32, minor: UInt32) -> [(UInt32, UInt32)] {
        let base = "/sys/dev/block/\(major):\(minor)"
        guard let dir = opendir(base) else { return [] }
        defer { closedir(dir) }
        var result: [(UInt32, UInt32)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard !name.hasPrefix("."), access("\(base)/\(name)/partition", F_OK) == 0,
                  let dev = readText("\(base)/\(name)/dev") else { continue }
            let parts = dev.trimmingNewline().split(separator: ":")
            if parts.count == 2, let maj = UInt32(parts[0]), let min = UInt32(parts[1]) { result.append((maj, min)) }
        }
        return result
    }

    static func canonicalPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// mountinfo escapes space, tab, newline and backslash as octal `\ooo`.
    static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3,
               let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Reads a small text file (procfs, sysfs) whole; nil if it cannot be opened.
public func readText(_ path: String) -> String? {
    guard let fd = try? FileDescriptor.open(path, flags: [.readOnly, .closeOnExec]) else { return nil }
    defer { try? fd.close() }
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while true {
        let n = chunk.withUnsafeMutableBytes { (try? fd.read(into: $0)) ?? 0 }
        if n <= 0 { break }  // 0 is end of file; an error ends the read with what we have
        data.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: data, as: UTF8.self)
}

extension String {
    func trimmingNewline() -> Substring {
        var s = self[...]
        while s.last == "\n" || s.last == " " { s = s.dropLast() }
        return s
    }
}
