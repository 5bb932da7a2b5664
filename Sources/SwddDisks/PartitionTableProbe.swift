import SwddSystem

/// The partition table libblkid finds on an open disk, and nothing else: no fdisk-style lenient
/// reading of a bare 0x55AA sector (a FAT boot sector ends the same way). What `--used` walks,
/// since a partition taken from a boot sector's code would be imaged from garbage offsets.
public enum PartitionTableProbe {
    /// libblkid's table of `descriptor`, with starts and sizes in `sectorSize` units, or nil.
    public static func table(of descriptor: FileDescriptor, sectorSize: Int) throws(SystemError) -> PartitionTable? {
        let probe = try BlkidProbe(descriptor: descriptor)
        probe.setSectorSize(sectorSize)
        return try probe.partitionTable(sectorSize: sectorSize)
    }
}
