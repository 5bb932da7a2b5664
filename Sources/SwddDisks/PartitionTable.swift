/// A partition table as swdd reports it: what libblkid found, in the units fdisk prints
/// (the disk's logical sectors, not libblkid's 512-byte units).
public struct PartitionTable: Sendable, Equatable {
    /// The label type: `dos`, `gpt`, or another name libblkid knows (`mac`, `bsd`, …).
    public var kind: Kind
    /// The disk identifier as fdisk prints it: `0x12345678` for dos, an upper-case GUID for gpt.
    public var identifier: String?
    /// Partitions in table order (partition number order for dos and gpt), nested tables excluded.
    public var partitions: [Partition]
    /// What fdisk would warn about while reading the table (it writes them to standard error).
    public var warnings: [String]

    public init(kind: Kind, identifier: String?, partitions: [Partition], warnings: [String] = []) {
        self.kind = kind
        self.identifier = identifier
        self.partitions = partitions
        self.warnings = warnings
    }

    public enum Kind: Sendable, Equatable, CustomStringConvertible {
        case dos, gpt
        case other(String)

        /// From libblkid's `PTTYPE` names.
        public init(blkidName: String) {
            switch blkidName {
            case "dos": self = .dos
            case "gpt": self = .gpt
            default: self = .other(blkidName)
            }
        }

        public var description: String {
            switch self {
            case .dos: "dos"
            case .gpt: "gpt"
            case .other(let name): name
            }
        }
    }

    /// fdisk's "Partition table entries are not in disk order." test (`fdisk_table_wrong_order`):
    /// some partition, in number order, starts before the one listed before it.
    public var isOutOfDiskOrder: Bool {
        var last: UInt64 = 0
        for partition in partitions {
            if partition.start < last { return true }
            last = partition.start
        }
        return false
    }
}

/// One partition, in the disk's logical sectors.
public struct Partition: Sendable, Equatable {
    /// 1-based, as in device names: dos logical partitions start at 5.
    public var number: Int
    public var start: UInt64
    public var sectors: UInt64
    public var type: PartitionType
    /// dos: the boot indicator is 0x80.
    public var bootable: Bool
    /// dos: an extended partition (a container of logical ones).
    public var isExtended: Bool
    /// gpt: the partition's name and its own GUID (upper case, as fdisk prints them).
    public var name: String?
    public var uuid: String?

    public init(number: Int, start: UInt64, sectors: UInt64, type: PartitionType, bootable: Bool = false,
                isExtended: Bool = false, name: String? = nil, uuid: String? = nil) {
        self.number = number
        self.start = start
        self.sectors = sectors
        self.type = type
        self.bootable = bootable
        self.isExtended = isExtended
        self.name = name
        self.uuid = uuid
    }

    /// The last sector, inclusive, as fdisk's End column shows it.
    public var end: UInt64 { sectors == 0 ? start : start + sectors - 1 }
}

/// A partition's type: an MBR code or a GPT type GUID.
public enum PartitionType: Sendable, Equatable {
    case mbr(UInt8)
    /// Upper case.
    case gpt(String)
    case other(String)

    /// fdisk's name for it (`Linux`, `EFI System`, `unknown`).
    public var name: String {
        switch self {
        case .mbr(let code): PartitionTypeNames.mbrName(code)
        case .gpt(let guid): PartitionTypeNames.gptName(guid)
        case .other: PartitionTypeNames.unknown
        }
    }

    /// As `sfdisk --json` writes it: `83`, `5` (hex, no padding) or the upper-case GUID.
    public var code: String {
        switch self {
        case .mbr(let code): String(code, radix: 16)
        case .gpt(let guid): guid
        case .other(let text): text
        }
    }
}
