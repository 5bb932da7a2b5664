import SwddSystem

/// What libblkid's superblock probing says is inside a partition (or a whole disk).
public struct FilesystemFacts: Sendable, Equatable {
    /// libblkid's `TYPE`: `ext4`, `vfat`, `swap`, `LVM2_member`, …
    public var type: String
    public var label: String?
    public var uuid: String?
    /// libblkid's `USAGE`: `filesystem`, `raid`, `crypto`, `other`.
    public var usage: String?
    public var version: String?

    public init(type: String, label: String? = nil, uuid: String? = nil, usage: String? = nil, version: String? = nil) {
        self.type = type
        self.label = label
        self.uuid = uuid
        self.usage = usage
        self.version = version
    }
}

/// Superblock probing at an offset of an open disk, as `blkid -p -O OFFSET -S SIZE` does.
public enum FilesystemProbe {
    /// The filesystem in `length` bytes at `offset` of `descriptor` (0 = to the end), or nil.
    public static func probe(_ descriptor: FileDescriptor, offset: UInt64, length: UInt64,
                             sectorSize: Int) throws(SystemError) -> FilesystemFacts? {
        let probe = try BlkidProbe(descriptor: descriptor, offset: offset, size: length)
        probe.setSectorSize(sectorSize)
        return try probe.superblock()
    }
}
