import SwddDisks
import SwddSystem

/// Finds the filesystems of a source — the source itself, or each partition of the table
/// libblkid finds on it — and asks each one's allocation structures which bytes it uses.
/// Everything not inside a filesystem read here (the table itself, gaps, unknown filesystems,
/// filesystems that are not trusted) is left out of the free ranges, so it is imaged in full.
public enum UsedBlockSurvey {
    /// - Parameters:
    ///   - path: the source, which libext2fs opens itself (read-only).
    ///   - readWriteMounted: offsets in the source of filesystems mounted read-write and not
    ///     frozen: their bitmaps change under the reader, so they are kept in full.
    public static func survey(path: String, descriptor: FileDescriptor, size: Int64, sectorSize: Int,
                              readWriteMounted: Set<Int64> = []) -> [FilesystemUsage] {
        let sector = Int64(max(512, sectorSize))
        var places: [(range: Range<Int64>, partition: Int?)] = []
        if let table = try? PartitionTableProbe.table(of: descriptor, sectorSize: Int(sector)), !table.partitions.isEmpty {
            for partition in table.partitions where !partition.isExtended {
                let start = Int64(partition.start) * sector
                let end = min(size, start + Int64(partition.sectors) * sector)
                if start < end { places.append((start..<end, partition.number)) }
            }
        } else {
            places.append((0..<size, nil))
        }
        return places.map { place in
            let facts = try? FilesystemProbe.probe(descriptor, offset: UInt64(place.range.lowerBound),
                                                   length: UInt64(place.range.upperBound - place.range.lowerBound), sectorSize: Int(sector))
            let type = facts?.type ?? ""
            let finding: FilesystemUsage.Finding
            if type.isEmpty {
                finding = .keptInFull("no filesystem found")
            } else if readWriteMounted.contains(place.range.lowerBound) {
                finding = .keptInFull("mounted read-write (use --freeze)")
            } else {
                finding = examine(type: type, volume: VolumeReader(descriptor: descriptor, range: place.range), path: path)
            }
            return FilesystemUsage(type: type, range: place.range, partition: place.partition, finding: finding)
        }
    }

    private static func examine(type: String, volume: VolumeReader, path: String) -> FilesystemUsage.Finding {
        do {
            switch type {
            case "ext2", "ext3", "ext4": return .used(try Ext2Allocation.usedRanges(path: path, range: volume.range))
            case "vfat": return .used(try FATAllocation.usedRanges(volume))
            case "exfat": return .used(try ExFATAllocation.usedRanges(volume))
            case "swap": return .used(try SwapAllocation.usedRanges(volume))
            case "xfs": return .keptInFull("its free-space btrees are not read")
            default: return .keptInFull("not a filesystem --used reads")
            }
        } catch {
            return .keptInFull(error.reason)
        }
    }

    /// The free ranges of every filesystem found, in source order: what need not be read.
    public static func freeRanges(of usages: [FilesystemUsage]) -> [Range<Int64>] {
        var collected = RangeCollector()
        for usage in usages { for range in usage.freeRanges { collected.add(range) } }
        return collected.normalized()
    }
}
