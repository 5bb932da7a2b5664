/// `fdisk -l` for one disk, as text: a pure function of a `DiskDescription`.
/// The separator between disks ("\n\n") and where the text goes are the caller's.
public enum FdiskListing {
    public struct Output: Sendable, Equatable {
        /// For standard output.
        public var text: String
        /// fdisk's warnings, which it writes to standard error (without a program name).
        public var warnings: [String]
    }

    public static func render(_ disk: DiskDescription, filesystems: Bool = false) -> Output {
        var text = header(disk)
        var warnings = disk.table?.warnings ?? []
        if let table = disk.table, table.kind == .dos || table.kind == .gpt, !table.partitions.isEmpty {
            text += "\n" + partitionTable(table, disk: disk).render()
            // fdisk prints one blank line before the first of its remarks, whichever it is
            var remarked = false
            for partition in table.partitions where !isPhysicallyAligned(partition.start, disk: disk) {
                if !remarked { text += "\n" }
                remarked = true
                warnings.append("Partition \(partition.number) does not start on physical sector boundary.")
            }
            if table.isOutOfDiskOrder {
                if !remarked { text += "\n" }
                text += "Partition table entries are not in disk order.\n"
            }
        }
        if filesystems, let section = filesystemTable(disk) {
            text += "\n" + section.render()
        }
        return Output(text: text, warnings: warnings)
    }

    /// The lines from `Disk …:` to `Disk identifier:` (`list_disk_geometry`).
    public static func header(_ disk: DiskDescription) -> String {
        let size = HumanSize.format(disk.byteCount, style: .disk)
        let ss = disk.logicalSectorSize
        var text = "Disk \(disk.path): \(size), \(disk.byteCount) bytes, \(disk.sectorCount) sectors\n"
        if let model = disk.model { text += "Disk model: \(model)\n" }
        text += "Units: sectors of 1 * \(ss) = \(ss) bytes\n"
        text += "Sector size (logical/physical): \(ss) bytes / \(disk.physicalSectorSize) bytes\n"
        text += "I/O size (minimum/optimal): \(disk.minimumIOSize) bytes / \(disk.optimalIOSize) bytes\n"
        if disk.alignmentOffset != 0 { text += "Alignment offset: \(disk.alignmentOffset) bytes\n" }
        // fdisk names only the labels it can drive; for the others (mac, atari, …) it prints no label
        if let table = disk.table, table.kind == .dos || table.kind == .gpt {
            text += "Disklabel type: \(table.kind)\n"
            if let identifier = table.identifier { text += "Disk identifier: \(identifier)\n" }
        }
        return text
    }

    /// libfdisk's default columns: dos `Device Boot Start End Sectors Size Id Type`,
    /// gpt `Device Start End Sectors Size Type`, with its width hints.
    static func partitionTable(_ table: PartitionTable, disk: DiskDescription) -> TextTable {
        let dos = table.kind == .dos
        var columns = [TextTable.Column("Device", widthHint: 10)]
        if dos { columns.append(TextTable.Column("Boot", widthHint: 1)) }
        columns += [TextTable.Column("Start", widthHint: 5, rightAligned: true),
                    TextTable.Column("End", widthHint: 5, rightAligned: true),
                    TextTable.Column("Sectors", widthHint: 5, rightAligned: true),
                    TextTable.Column("Size", widthHint: 5, rightAligned: true)]
        if dos { columns.append(TextTable.Column("Id", widthHint: 2, rightAligned: true)) }
        columns.append(TextTable.Column("Type"))
        var out = TextTable(columns: columns)
        for partition in table.partitions {
            var row = [disk.partitionName(partition.number)]
            if dos { row.append(partition.bootable ? "*" : "") }
            row += ["\(partition.start)", "\(partition.end)", "\(partition.sectors)",
                    HumanSize.format(partition.sectors * UInt64(disk.logicalSectorSize), style: .oneLetter)]
            if dos { row.append(partition.type.code) }
            row.append(partition.type.name)
            out.append(row)
        }
        return out
    }

    /// swdd's `--fs` section: each partition's (or the bare disk's) filesystem type, label and UUID.
    static func filesystemTable(_ disk: DiskDescription) -> TextTable? {
        var out = TextTable(columns: [TextTable.Column("Device", widthHint: 10), TextTable.Column("FSType"),
                                      TextTable.Column("Label"), TextTable.Column("UUID")])
        let partitions = (disk.table?.partitions ?? []).filter { !$0.isExtended }
        if partitions.isEmpty {
            guard let facts = disk.wholeDiskFilesystem else { return nil }
            out.append([disk.path, facts.type, facts.label ?? "", facts.uuid ?? ""])
            return out
        }
        for partition in partitions {
            let facts = disk.filesystems[partition.number]
            out.append([disk.partitionName(partition.number), facts?.type ?? "", facts?.label ?? "", facts?.uuid ?? ""])
        }
        return out
    }

    /// libfdisk's `fdisk_lba_is_phy_aligned`: the start falls on a multiple of the larger of the
    /// physical sector and the minimum I/O size, shifted by the alignment offset.
    static func isPhysicallyAligned(_ lba: UInt64, disk: DiskDescription) -> Bool {
        let granularity = UInt64(max(disk.physicalSectorSize, disk.minimumIOSize))
        guard granularity > 0, granularity & (granularity - 1) == 0 else { return true }
        let offset = (lba &* UInt64(disk.logicalSectorSize)) & (granularity - 1)
        return (granularity &+ disk.alignmentOffset &- offset) & (granularity - 1) == 0
    }
}
