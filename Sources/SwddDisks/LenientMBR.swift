/// fdisk accepts any first sector that ends in 0x55 0xAA as a dos label (`dos_probe_label`);
/// libblkid is stricter and says "no table" for a FAT or NTFS boot sector, or a protective MBR
/// whose GPT it cannot read at this sector size. `fdisk -l` then still prints `Disklabel type: dos`,
/// the identifier and the primary entries, so swdd reads those four entries the way fdisk does,
/// only when libblkid found no table at all. Logical partitions are not followed here.
enum LenientMBR {
    /// `sector` is the first 512 bytes of the disk; `totalSectors` its size in logical sectors.
    static func table(firstSector sector: [UInt8], totalSectors: UInt64) -> PartitionTable? {
        guard sector.count >= 512, sector[510] == 0x55, sector[511] == 0xAA else { return nil }
        // fdisk ignores disks with the AIX magic number
        if sector[0] == 0xC9 && sector[1] == 0xC2 && sector[2] == 0xD4 && sector[3] == 0xC1 { return nil }
        func le32(_ at: Int) -> UInt32 {
            UInt32(sector[at]) | UInt32(sector[at + 1]) << 8 | UInt32(sector[at + 2]) << 16 | UInt32(sector[at + 3]) << 24
        }
        var partitions: [Partition] = []
        for index in 0..<4 {
            let entry = 446 + 16 * index
            let size = le32(entry + 12)
            guard size != 0 else { continue }
            let type = sector[entry + 4]
            partitions.append(Partition(number: index + 1, start: UInt64(le32(entry + 8)), sectors: UInt64(size),
                                        type: .mbr(type), bootable: sector[entry] == 0x80,
                                        isExtended: type == 0x05 || type == 0x0f || type == 0x85))
        }
        // fdisk's GPT probe runs first and, finding a protective MBR (an 0xEE entry from sector 1,
        // nothing else) whose size disagrees with the disk, corrects the size in memory with a
        // warning; the dos label it falls back to then lists the corrected entry.
        var warnings: [String] = []
        let types = (0..<4).map { sector[446 + 16 * $0 + 4] }
        if let part = types.firstIndex(of: 0xEE), types.allSatisfy({ $0 == 0 || $0 == 0xEE }),
           le32(446 + 16 * part + 8) == 1 {
            let size = UInt64(le32(446 + 16 * part + 12))
            let last = totalSectors &- 1
            if size != UInt64(UInt32(truncatingIfNeeded: last)) && size != 0xFFFF_FFFF {
                warnings.append("GPT PMBR size mismatch (\(size) != \(last)) will be corrected by write.")
                if let index = partitions.firstIndex(where: { $0.number == part + 1 }) {
                    partitions[index].sectors = min(last, 0xFFFF_FFFF)
                }
            }
        }
        let id = le32(440)
        let hex = String(id, radix: 16)
        return PartitionTable(kind: .dos, identifier: "0x" + String(repeating: "0", count: 8 - hex.count) + hex,
                              partitions: partitions, warnings: warnings)
    }
}
