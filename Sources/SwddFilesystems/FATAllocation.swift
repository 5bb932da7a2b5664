/// FAT12, FAT16 and FAT32, from the boot sector and the file allocation table itself: the
/// reserved sectors, the FATs and (FAT12/16) the root directory are in use, and every cluster
/// whose FAT entry is not 0 (free). Refused when the boot sector's dirty flag is set (Linux
/// sets it while the volume is mounted read-write), when the FAT copies disagree, or when
/// FAT32's FSInfo free count disagrees with the table.
enum FATAllocation {
    static func usedRanges(_ volume: VolumeReader) throws(UntrustedAllocation) -> [Range<Int64>] {
        let boot = try volume.bytes(at: 0, count: 512)
        guard boot[510] == 0x55, boot[511] == 0xAA else { throw UntrustedAllocation("its boot sector has no 0x55AA signature") }
        let sectorBytes = Int64(boot.u16(11))
        let perCluster = Int64(boot[13])
        let reserved = Int64(boot.u16(14))
        let fats = Int64(boot[16])
        let rootEntries = Int64(boot.u16(17))
        let total = boot.u16(19) != 0 ? Int64(boot.u16(19)) : Int64(boot.u32(32))
        let fatSectors = boot.u16(22) != 0 ? Int64(boot.u16(22)) : Int64(boot.u32(36))
        guard [512, 1024, 2048, 4096].contains(sectorBytes), perCluster > 0, perCluster & (perCluster - 1) == 0,
              reserved > 0, fats > 0, fatSectors > 0, total * sectorBytes <= volume.size else {
            throw UntrustedAllocation("its boot sector's geometry does not add up")
        }
        let rootSectors = (rootEntries * 32 + sectorBytes - 1) / sectorBytes
        let dataStart = reserved + fats * fatSectors + rootSectors
        guard total > dataStart else { throw UntrustedAllocation("its boot sector's geometry does not add up") }
        let clusters = (total - dataStart) / perCluster
        // FAT32 has no 16-bit FAT size (Linux and dosfstools decide so, whatever the count);
        // FAT12 and FAT16 differ by cluster count.
        let bits = boot.u16(22) == 0 ? 32 : clusters < 4085 ? 12 : 16
        // The "dirty" bit of the NT flags byte: at 37 for FAT12/16, 65 for FAT32.
        if boot[bits == 32 ? 65 : 37] & 0x01 != 0 { throw UntrustedAllocation("it is marked dirty (mounted read-write, or not cleanly unmounted)") }

        let fatBytes = Int(fatSectors * sectorBytes)
        guard (clusters + 2) * Int64(bits) / 8 < Int64(fatBytes) else { throw UntrustedAllocation("its FAT is too small for its clusters") }
        let table = try volume.bytes(at: reserved * sectorBytes, count: fatBytes)
        if fats > 1 {
            let copy = try volume.bytes(at: (reserved + fatSectors) * sectorBytes, count: fatBytes)
            for cluster in 2..<(Int(clusters) + 2) where entry(table, cluster, bits: bits) != entry(copy, cluster, bits: bits) {
                throw UntrustedAllocation("its two FATs disagree at cluster \(cluster)")
            }
        }
        let clusterBytes = perCluster * sectorBytes
        let heap = volume.range.lowerBound + dataStart * sectorBytes
        var used = RangeCollector()
        used.add(volume.range.lowerBound..<heap)
        var free: Int64 = 0
        for cluster in 2..<(Int(clusters) + 2) {
            if entry(table, cluster, bits: bits) == 0 {
                free += 1
            } else {
                let at = heap + Int64(cluster - 2) * clusterBytes
                used.add(at..<(at + clusterBytes))
            }
        }
        if bits == 32 { try checkFSInfo(volume, boot: boot, sectorBytes: sectorBytes, free: free) }
        // Sectors past the last whole cluster belong to no cluster: kept, like anything unknown.
        used.add((heap + clusters * clusterBytes)..<volume.range.upperBound)
        return used.ranges
    }

    /// FAT entry `n` (12-bit entries are packed two in three bytes; FAT32's top 4 bits are reserved).
    static func entry(_ table: [UInt8], _ n: Int, bits: Int) -> UInt32 {
        switch bits {
        case 12:
            let pair = UInt32(table.u16(n + n / 2))
            return n & 1 == 0 ? pair & 0xFFF : pair >> 4
        case 16: return UInt32(table.u16(2 * n))
        default: return table.u32(4 * n) & 0x0FFF_FFFF
        }
    }

    /// FAT32's FSInfo sector records the free cluster count (0xFFFFFFFF: unknown); fsck.fat
    /// reports a count that disagrees with the table, so a clean volume's agrees.
    private static func checkFSInfo(_ volume: VolumeReader, boot: [UInt8], sectorBytes: Int64, free: Int64) throws(UntrustedAllocation) {
        let sector = Int64(boot.u16(48))
        guard sector != 0, sector != 0xFFFF else { return }
        let info = try volume.bytes(at: sector * sectorBytes, count: 512)
        guard info.u32(0) == 0x4161_5252, info.u32(484) == 0x6141_7272 else { return }
        let recorded = info.u32(488)
        if recorded != 0xFFFF_FFFF && Int64(recorded) != free {
            throw UntrustedAllocation("its FSInfo counts \(recorded) free clusters, its FAT \(free)")
        }
    }
}
