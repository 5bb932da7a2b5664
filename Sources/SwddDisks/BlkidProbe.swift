import CBlkid
import SwddSystem

/// A libblkid probe over an open descriptor (or a window of it): the only place swdd calls libblkid.
/// The descriptor stays the caller's; the probe never closes it.
final class BlkidProbe {
    private let probe: blkid_probe
    private let path: String?

    /// `blkid_new_probe` + `blkid_probe_set_device(fd, offset, size)`; a size of 0 means "to the end".
    init(descriptor: FileDescriptor, offset: UInt64 = 0, size: UInt64 = 0) throws(SystemError) {
        path = descriptor.path
        guard let probe = blkid_new_probe() else { throw SystemError("blkid_new_probe", path: path, code: .noMemory) }
        self.probe = probe
        Errno.clear()
        if blkid_probe_set_device(probe, descriptor.rawValue, blkid_loff_t(offset), blkid_loff_t(size)) != 0 {
            let code = Errno.current(or: .invalidArgument)
            blkid_free_probe(probe)
            throw SystemError("blkid_probe_set_device", path: path, code: code)
        }
    }

    deinit { blkid_free_probe(probe) }

    /// `blkid_probe_set_sectorsize`: libblkid reads the sector size of block devices itself, but a
    /// 4K-sector device read through an image needs it said.
    func setSectorSize(_ size: Int) {
        _ = blkid_probe_set_sectorsize(probe, UInt32(size))
    }

    /// `blkid_probe_get_topology` → `blkid_topology_get_alignment_offset` (fdisk prints it when non-zero).
    func alignmentOffset() -> UInt64 {
        guard let topology = blkid_probe_get_topology(probe) else { return 0 }
        return UInt64(blkid_topology_get_alignment_offset(topology))
    }

    /// `blkid_probe_get_partitions` and the `blkid_partlist_*` / `blkid_partition_*` accessors.
    /// Returns nil when no partition table is found. Partitions of nested tables (a BSD label
    /// inside a dos partition) are left out, as fdisk lists only the outer table.
    /// libblkid counts starts and sizes in 512-byte sectors; they are converted to `sectorSize` units.
    func partitionTable(sectorSize: Int) throws(SystemError) -> PartitionTable? {
        _ = blkid_probe_enable_superblocks(probe, 0)
        _ = blkid_probe_enable_partitions(probe, 1)
        Errno.clear()
        guard let list = blkid_probe_get_partitions(probe) else {
            // NULL means "no table" or "error"; a safe probe of the partitions chain tells which
            // (1: nothing found, -2: ambivalent, i.e. no single table; -1: error).
            let result = blkid_do_safeprobe(probe)
            if result == -1 {
                throw SystemError("blkid_probe_get_partitions", path: path, code: Errno.current(or: .ioError))
            }
            return nil
        }
        guard let table = blkid_partlist_get_table(list) else { return nil }
        let kind = PartitionTable.Kind(blkidName: string(blkid_parttable_get_type(table)) ?? "unknown")
        let per512 = UInt64(max(sectorSize, 512) / 512)
        var partitions: [Partition] = []
        let count = blkid_partlist_numof_partitions(list)
        if count > 0 {
            for index in 0..<count {
                guard let part = blkid_partlist_get_partition(list, index) else { continue }
                guard blkid_partition_get_table(part) == table else { continue }
                let start = UInt64(max(0, blkid_partition_get_start(part))) / per512
                let size = UInt64(max(0, blkid_partition_get_size(part))) / per512
                let type: PartitionType
                switch kind {
                case .dos: type = .mbr(UInt8(truncatingIfNeeded: blkid_partition_get_type(part)))
                case .gpt: type = .gpt((string(blkid_partition_get_type_string(part)) ?? "").uppercased())
                case .other: type = .other(string(blkid_partition_get_type_string(part))
                                           ?? String(blkid_partition_get_type(part), radix: 16))
                }
                let flags = blkid_partition_get_flags(part)
                partitions.append(Partition(
                    number: Int(blkid_partition_get_partno(part)),
                    start: start, sectors: size, type: type,
                    bootable: kind == .dos && flags & 0x80 != 0,
                    isExtended: blkid_partition_is_extended(part) != 0,
                    name: string(blkid_partition_get_name(part)),
                    uuid: string(blkid_partition_get_uuid(part))?.uppercased()))
            }
        }
        partitions.sort { $0.number < $1.number }
        var identifier = string(blkid_parttable_get_id(table))
        switch kind {
        case .dos: identifier = identifier.map { "0x" + $0 }
        case .gpt: identifier = identifier?.uppercased()
        case .other: break
        }
        return PartitionTable(kind: kind, identifier: identifier, partitions: partitions)
    }

    /// Superblock probing (`blkid_probe_enable_superblocks`, `blkid_do_safeprobe`,
    /// `blkid_probe_lookup_value`): the filesystem or other content in the probed window, or nil.
    func superblock() throws(SystemError) -> FilesystemFacts? {
        _ = blkid_probe_enable_partitions(probe, 0)
        _ = blkid_probe_enable_superblocks(probe, 1)
        _ = blkid_probe_set_superblocks_flags(probe, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE
                                              | BLKID_SUBLKS_USAGE | BLKID_SUBLKS_VERSION)
        Errno.clear()
        let result = blkid_do_safeprobe(probe)
        switch result {
        case 0: break
        case 1, -2: return nil  // nothing found, or several signatures and no single answer (blkid -p: "ambivalent")
        default: throw SystemError("blkid_do_safeprobe", path: path, code: Errno.current(or: .ioError))
        }
        guard let type = value("TYPE") else { return nil }
        return FilesystemFacts(type: type, label: value("LABEL"), uuid: value("UUID"),
                               usage: value("USAGE"), version: value("VERSION"))
    }

    private func value(_ name: String) -> String? {
        var data: UnsafePointer<CChar>? = nil
        var length = 0
        guard blkid_probe_lookup_value(probe, name, &data, &length) == 0, let data else { return nil }
        return String(cString: data)
    }

    private func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer, pointer.pointee != 0 else { return nil }
        return String(cString: pointer)
    }
}
