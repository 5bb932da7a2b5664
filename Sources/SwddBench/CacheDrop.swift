/// How reads were made cold before each test, so the report can say what it measured.
public struct CacheDrop: Sendable, Equatable {
    /// `BLKFLSBUF` dropped the block device's buffer cache too (block devices, root only).
    public var deviceBuffers: Bool
    /// The loop device's backing file, whose page cache was dropped as well; nil when the target
    /// is not a loop device or its loop does direct I/O (then that cache is not used).
    public var backingFile: String?
    /// Why reads may still be partly warm (a step was refused); nil when every step was taken.
    public var warning: String?
    /// The file system that keeps the data in RAM (tmpfs): no read there reaches a device, so
    /// there is no cold read to measure.
    public var memoryFileSystem: String?

    public init(deviceBuffers: Bool = false, backingFile: String? = nil, warning: String? = nil,
                memoryFileSystem: String? = nil) {
        self.deviceBuffers = deviceBuffers
        self.backingFile = backingFile
        self.warning = warning
        self.memoryFileSystem = memoryFileSystem
    }

    /// A step was refused: reads may be warm, and why is added to the warning.
    mutating func warn(_ reason: String) {
        warning = warning.map { $0 + "; " + reason } ?? reason
    }

    /// The steps taken, as the report names them.
    var steps: [String] {
        var steps = ["posix_fadvise DONTNEED"]
        if deviceBuffers { steps.append("BLKFLSBUF") }
        if let backingFile { steps.append("and the loop device's backing file \(backingFile)") }
        return steps
    }
}
