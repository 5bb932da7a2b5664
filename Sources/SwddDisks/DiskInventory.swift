import SwddSystem

/// Which whole disks the kernel knows, found as `fdisk -l` finds them (`next_proc_partition`):
/// every name in `/proc/partitions` that sysfs calls a whole disk, less device-mapper private
/// devices (LVM internals, Stratis), dm partitions (kpartx) and CD-ROMs, in the kernel's order.
public enum DiskInventory {
    /// `/dev/NAME` for each whole disk. `/proc/partitions` lists only devices with a size, so
    /// detached loop devices and empty zram devices do not appear; attached ones do.
    public static func wholeDisks(procPartitions: String = "/proc/partitions",
                                  sysClassBlock: String = "/sys/class/block") throws(SystemError) -> [String] {
        guard let text = readText(procPartitions) else { throw SystemError.current("open", path: procPartitions) }
        var disks: [String] = []
        for name in deviceNames(inProcPartitions: text) {
            let sys = "\(sysClassBlock)/\(name)"
            guard FileSystemPath.exists(sys) else { continue }
            if FileSystemPath.exists("\(sys)/partition") { continue }
            if let uuid = readText("\(sys)/dm/uuid").map(trimmed), isPrivateOrPartitionMapping(dmUUID: uuid) { continue }
            if readText("\(sys)/device/type").map(trimmed) == "5" { continue }  // SCSI type 5: CD/DVD
            // sysfs spells a '/' in a device name as '!' (cciss!c0d0 is /dev/cciss/c0d0)
            disks.append("/dev/" + String(name.map { $0 == "!" ? "/" : $0 }))
        }
        return disks
    }

    /// The device names of `/proc/partitions` (`major minor #blocks name`), header skipped.
    public static func deviceNames(inProcPartitions text: String) -> [String] {
        var names: [String] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 4, Int(fields[0]) != nil, Int(fields[1]) != nil, Int(fields[2]) != nil else { continue }
            names.append(String(fields[3]))
        }
        return names
    }

    /// util-linux's `sysfs_devno_is_dm_private` plus its dm-partition test: `LVM-<uuid>-<name>`,
    /// `stratis-1-private…` and kpartx's `part<N>-…` are not disks of their own.
    public static func isPrivateOrPartitionMapping(dmUUID uuid: String) -> Bool {
        if uuid.hasPrefix("LVM-") {
            let rest = uuid.dropFirst(4)
            if let dash = rest.lastIndex(of: "-"), rest.index(after: dash) != rest.endIndex { return true }
            return false
        }
        if uuid.hasPrefix("stratis-1-private") { return true }
        if uuid.hasPrefix("part"), uuid.dropFirst(4).first?.isNumber == true { return true }
        return false
    }

    /// `/sys/dev/block/MAJ:MIN/device/model` as fdisk prints it: the trailing newline removed,
    /// anything else (SCSI's padding spaces) kept. Nil when the kernel knows no model.
    public static func model(major: UInt32, minor: UInt32) -> String? {
        guard var text = readText("/sys/dev/block/\(major):\(minor)/device/model") else { return nil }
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// `/sys/dev/block/MAJ:MIN/alignment_offset` (0 when absent).
    public static func alignmentOffset(major: UInt32, minor: UInt32) -> UInt64 {
        readText("/sys/dev/block/\(major):\(minor)/alignment_offset").flatMap { UInt64(trimmed($0)) } ?? 0
    }

    private static func trimmed(_ text: String) -> String {
        String(text.drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
    }

    /// A small text file (sysfs, procfs) in full, or nil when it cannot be opened or read.
    static func readText(_ path: String) -> String? {
        guard let descriptor = try? FileDescriptor.open(path, flags: [.readOnly, .closeOnExec]) else { return nil }
        defer { try? descriptor.close() }
        var bytes: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            guard let count = try? descriptor.read(into: chunk) else { return nil }
            if count == 0 { break }  // end of file; procfs and sysfs may return less than asked before it
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
