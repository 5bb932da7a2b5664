/// Everything `swdd list` reports about one disk or image: the facts the formatters render.
public struct DiskDescription: Sendable, Equatable {
    /// The path as given (or `/dev/NAME` from the inventory); partition names derive from it.
    public var path: String
    /// Whole logical sectors (a trailing partial sector is not counted, as fdisk does not).
    public var sectorCount: UInt64
    public var logicalSectorSize: Int
    public var physicalSectorSize: Int
    public var minimumIOSize: Int
    /// What fdisk prints as optimal: `BLKIOOPT`, or the minimum when the device states none.
    public var optimalIOSize: Int
    /// `alignment_offset` in sysfs; fdisk prints a line for it when it is not 0.
    public var alignmentOffset: UInt64
    /// `/sys/dev/block/MAJ:MIN/device/model`, trailing newline removed (spaces kept, as fdisk keeps them).
    public var model: String?
    public var isBlockDevice: Bool
    public var table: PartitionTable?
    /// Superblock probing results by partition number (`--fs`).
    public var filesystems: [Int: FilesystemFacts]
    /// The filesystem on the whole disk when it has no partition table (`--fs`).
    public var wholeDiskFilesystem: FilesystemFacts?

    public init(path: String, sectorCount: UInt64, logicalSectorSize: Int, physicalSectorSize: Int,
                minimumIOSize: Int, optimalIOSize: Int, alignmentOffset: UInt64 = 0, model: String? = nil,
                isBlockDevice: Bool = false, table: PartitionTable? = nil,
                filesystems: [Int: FilesystemFacts] = [:], wholeDiskFilesystem: FilesystemFacts? = nil) {
        self.path = path
        self.sectorCount = sectorCount
        self.logicalSectorSize = logicalSectorSize
        self.physicalSectorSize = physicalSectorSize
        self.minimumIOSize = minimumIOSize
        self.optimalIOSize = optimalIOSize
        self.alignmentOffset = alignmentOffset
        self.model = model
        self.isBlockDevice = isBlockDevice
        self.table = table
        self.filesystems = filesystems
        self.wholeDiskFilesystem = wholeDiskFilesystem
    }

    /// An image file as fdisk sees one: 512-byte sectors, I/O size 512/512.
    public static func imageFile(path: String, size: UInt64) -> DiskDescription {
        DiskDescription(path: path, sectorCount: size / 512, logicalSectorSize: 512, physicalSectorSize: 512,
                        minimumIOSize: 512, optimalIOSize: 512)
    }

    /// Bytes in whole sectors: what fdisk prints after the human size.
    public var byteCount: UInt64 { sectorCount * UInt64(logicalSectorSize) }

    /// The name fdisk gives partition `number` (libfdisk's `fdisk_partname`): a `p` between a
    /// device name ending in a digit and the number (`/dev/loop0p1`, `/dev/nvme0n1p2`), `part`
    /// for a devfs `…/disc`, nothing otherwise (`/dev/sda1`, `disk.img1`).
    public func partitionName(_ number: Int) -> String {
        PartitionNaming.name(device: path, number: number)
    }
}

public enum PartitionNaming {
    public static func name(device: String, number: Int) -> String {
        guard let last = device.last else { return "\(number)" }
        if device.hasSuffix("disc") { return "\(device.dropLast(4))part\(number)" }
        return last.isASCII && last.isNumber ? "\(device)p\(number)" : "\(device)\(number)"
    }
}
