import SwddSystem

/// Opens a disk or image read-only and gathers what `swdd list` shows: sizes and sector facts
/// from the kernel (block devices) or the file size (images, 512-byte sectors as fdisk assumes),
/// the partition table through libblkid, and optionally each partition's filesystem.
public enum DiskExamination {
    /// Fails the way `fdisk -l` fails for the same target: `open` errors as they are, a directory
    /// with EISDIR, a character device, FIFO or socket with ENOTTY (fdisk's failed ioctl), an
    /// image smaller than one sector with EINVAL.
    public static func examine(_ path: String, filesystems: Bool) throws(SystemError) -> DiskDescription {
        let descriptor = try FileDescriptor.open(path, flags: [.readOnly, .closeOnExec])
        defer { try? descriptor.close() }
        let status = try descriptor.status()

        var disk: DiskDescription
        switch status.kind {
        case .directory:
            throw SystemError("open", path: path, code: .isDirectory)
        case .regular:
            disk = .imageFile(path: path, size: UInt64(max(0, status.size)))
        case .blockDevice:
            let geometry = try BlockDeviceGeometry.of(descriptor)
            let logical = max(512, geometry.logicalSectorSize)
            let minimum = geometry.minimumIOSize > 0 ? geometry.minimumIOSize : logical
            let major = status.representedMajor, minor = status.representedMinor
            disk = DiskDescription(
                path: path, sectorCount: geometry.size / UInt64(logical), logicalSectorSize: logical,
                physicalSectorSize: geometry.physicalSectorSize > 0 ? geometry.physicalSectorSize : logical,
                minimumIOSize: minimum,
                optimalIOSize: geometry.optimalIOSize > 0 ? geometry.optimalIOSize : minimum,
                alignmentOffset: DiskInventory.alignmentOffset(major: major, minor: minor),
                model: DiskInventory.model(major: major, minor: minor), isBlockDevice: true)
        default:
            throw SystemError("open", path: path, code: .inappropriateIOCTLForDevice)
        }
        return try examine(disk, descriptor: descriptor, filesystems: filesystems)
    }

    /// A disk held in something else — an image's stand-in file, whose bytes are the disk's —
    /// described as `disk` says (its name, size and sector size), read through `descriptor`.
    public static func examine(standIn descriptor: FileDescriptor, name: String, size: UInt64, sectorSize: Int,
                               filesystems: Bool) throws(SystemError) -> DiskDescription {
        let sector = max(512, sectorSize)
        let disk = DiskDescription(path: name, sectorCount: size / UInt64(sector), logicalSectorSize: sector,
                                   physicalSectorSize: sector, minimumIOSize: sector, optimalIOSize: sector)
        return try examine(disk, descriptor: descriptor, filesystems: filesystems)
    }

    private static func examine(_ described: DiskDescription, descriptor: FileDescriptor, filesystems: Bool) throws(SystemError) -> DiskDescription {
        var disk = described
        guard disk.sectorCount > 0 else { throw SystemError("open", path: disk.path, code: .invalidArgument) }

        let probe = try BlkidProbe(descriptor: descriptor)
        probe.setSectorSize(disk.logicalSectorSize)
        disk.table = try probe.partitionTable(sectorSize: disk.logicalSectorSize)
        if disk.table == nil {
            disk.table = LenientMBR.table(firstSector: try firstSector(of: descriptor), totalSectors: disk.sectorCount)
        }

        if filesystems { probeFilesystems(of: &disk, descriptor: descriptor) }
        return disk
    }

    /// Superblock probing of every partition but extended containers, or of the whole disk when
    /// there is no partition. A partition that cannot be probed (beyond the end of an image) is
    /// reported without a filesystem rather than failing the disk.
    static func probeFilesystems(of disk: inout DiskDescription, descriptor: FileDescriptor) {
        let sector = UInt64(disk.logicalSectorSize)
        let partitions = disk.table?.partitions ?? []
        if partitions.isEmpty {
            disk.wholeDiskFilesystem = try? FilesystemProbe.probe(descriptor, offset: 0, length: 0,
                                                                  sectorSize: disk.logicalSectorSize)
            return
        }
        for partition in partitions where !partition.isExtended {
            guard partition.start < disk.sectorCount else { continue }
            let length = min(partition.sectors, disk.sectorCount - partition.start) * sector
            if let facts = try? FilesystemProbe.probe(descriptor, offset: partition.start * sector, length: length,
                                                      sectorSize: disk.logicalSectorSize) {
                disk.filesystems[partition.number] = facts
            }
        }
    }

    /// The first 512 bytes; a short image (checked above to hold one sector) still gives them all,
    /// so a short read here only happens on a device error and yields what was read.
    private static func firstSector(of descriptor: FileDescriptor) throws(SystemError) -> [UInt8] {
        let sector = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 16)
        defer { sector.deallocate() }
        var filled = 0
        while filled < sector.count {
            let count = try descriptor.read(fromAbsoluteOffset: Int64(filled),
                                            into: UnsafeMutableRawBufferPointer(rebasing: sector[filled...]))
            if count == 0 { break }  // end of file
            filled += count
        }
        return Array(sector[0..<filled])
    }
}
