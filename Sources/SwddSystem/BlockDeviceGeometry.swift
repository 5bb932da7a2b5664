import CLinuxShims

/// A block device's size and sector facts, as the kernel reports them.
public struct BlockDeviceGeometry: Sendable, Equatable {
    /// `BLKGETSIZE64`.
    public var size: UInt64
    /// `BLKSSZGET`: the smallest unit the device addresses; `O_DIRECT` alignment.
    public var logicalSectorSize: Int
    /// `BLKPBSZGET`.
    public var physicalSectorSize: Int
    /// `BLKIOMIN`.
    public var minimumIOSize: Int
    /// `BLKIOOPT` (0 when the device states none).
    public var optimalIOSize: Int

    public init(size: UInt64, logicalSectorSize: Int, physicalSectorSize: Int, minimumIOSize: Int, optimalIOSize: Int) {
        self.size = size
        self.logicalSectorSize = logicalSectorSize
        self.physicalSectorSize = physicalSectorSize
        self.minimumIOSize = minimumIOSize
        self.optimalIOSize = optimalIOSize
    }

    /// Asks the kernel about the block device open on `descriptor`.
    public static func of(_ descriptor: FileDescriptor) throws(SystemError) -> BlockDeviceGeometry {
        let fd = descriptor.rawValue
        var size: UInt64 = 0
        guard swdd_blk_getsize64(fd, &size) == 0 else { throw SystemError.current("BLKGETSIZE64", path: descriptor.path) }
        var logical: UInt32 = 512, physical: UInt32 = 0, ioMin: UInt32 = 0, ioOpt: UInt32 = 0
        guard swdd_blk_logical_sector_size(fd, &logical) == 0 else { throw SystemError.current("BLKSSZGET", path: descriptor.path) }
        // Older kernels and some drivers lack these; the logical size is the honest fallback.
        if swdd_blk_physical_sector_size(fd, &physical) != 0 { physical = logical }
        if swdd_blk_io_min(fd, &ioMin) != 0 { ioMin = physical }
        if swdd_blk_io_opt(fd, &ioOpt) != 0 { ioOpt = 0 }
        return BlockDeviceGeometry(size: size, logicalSectorSize: Int(logical), physicalSectorSize: Int(physical),
                                   minimumIOSize: Int(ioMin), optimalIOSize: Int(ioOpt))
    }
}

extension FileDescriptor {
    /// `BLKZEROOUT`: has the device write zeros itself (often without moving data).
    public func zeroOut(offset: UInt64, length: UInt64) throws(SystemError) {
        if swdd_blk_zeroout(rawValue, offset, length) != 0 { throw SystemError.current("BLKZEROOUT", path: path) }
    }

    /// `BLKFLSBUF`: drops the device's buffer cache, so a later buffered read sees the disk.
    public func flushDeviceBuffers() throws(SystemError) {
        if swdd_blk_flush_buffers(rawValue) != 0 { throw SystemError.current("BLKFLSBUF", path: path) }
    }
}
