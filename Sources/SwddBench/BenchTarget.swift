#if canImport(Glibc)
import Glibc
#endif
import SwddSystem

/// The facts about a target the report prints: a value, so formatters can be tested without one.
public struct BenchTargetFacts: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case blockDevice = "block_device"
        case file
        case directory
    }
    /// The path as given.
    public var path: String
    public var kind: Kind
    /// Where the I/O goes: the device itself, or the temporary file made for a file or directory.
    public var benchPath: String
    /// Bytes used from offset 0.
    public var regionSize: Int64
    /// The device's size (`BLKGETSIZE64`); nil for files.
    public var deviceSize: Int64?
    /// `BLKSSZGET` for a device, the file system's block size for a file: the unit `O_DIRECT`
    /// requests must be multiples of.
    public var sectorSize: Int
    /// The backing file, when the target is a loop device.
    public var backingFile: String?

    public init(path: String, kind: Kind, benchPath: String, regionSize: Int64, deviceSize: Int64? = nil,
                sectorSize: Int, backingFile: String? = nil) {
        self.path = path
        self.kind = kind
        self.benchPath = benchPath
        self.regionSize = regionSize
        self.deviceSize = deviceSize
        self.sectorSize = sectorSize
        self.backingFile = backingFile
    }
}

/// A target opened for benching: a block device (read in place; written only when the caller
/// allows it, having checked that it is not in use and claimed it for the run), or a temporary file
/// created next to a file or inside a directory and removed by `close` (or by
/// `ScratchFiles.removeAll` on a signal).
public final class BenchTarget: Sendable {
    public let facts: BenchTargetFacts
    /// Whether write tests may run.
    public let writesAllowed: Bool
    private let scratch: ScratchFiles?
    /// What making reads cold takes here, before any test: the runner adds what it learns.
    let cacheDrop: CacheDrop
    /// A loop device's backing file, read-only, to drop its page cache before each test.
    private let backing: FileDescriptor?

    private init(facts: BenchTargetFacts, writesAllowed: Bool, scratch: ScratchFiles?,
                 cacheDrop: CacheDrop, backing: FileDescriptor? = nil) {
        self.facts = facts
        self.writesAllowed = writesAllowed
        self.scratch = scratch
        self.cacheDrop = cacheDrop
        self.backing = backing
    }

    var isBlockDevice: Bool { facts.kind == .blockDevice }
    /// A temporary file must be filled before it can be read.
    var needsLayout: Bool { facts.kind != .blockDevice }
    /// Buffers are aligned to at least a page, whatever the sector size, as `O_DIRECT` wants.
    var bufferAlignment: Int { max(4096, facts.sectorSize) }

    /// Opens `path` for a bench of `regionSize` bytes. A block device is opened for writing only
    /// when `writeDevice` says so: whether it may be (asked for, and not in use) is the caller's
    /// policy, and so is holding it exclusively while the bench writes it.
    public static func open(_ path: String, regionSize: Int64, writeDevice: Bool, scratch: ScratchFiles) throws(BenchError) -> BenchTarget {
        let status: FileStatus
        do {
            status = try FileStatus.of(path: path)
        } catch {
            // A missing target is a mistyped name (/dev/loop99 would be benched in RAM): say so.
            // Who wants a temporary file names the directory it goes in.
            if error.code == .noSuchFileOrDirectory {
                throw BenchError.refused("cannot bench '\(path)': \(error.reason) (to measure a new file, name the directory it would be in)")
            }
            throw BenchError.system(error)
        }
        switch status.kind {
        case .blockDevice:
            return try openDevice(path, status: status, regionSize: regionSize, writes: writeDevice)
        case .directory:
            return try openScratch(path, kind: .directory, directory: path, regionSize: regionSize, scratch: scratch)
        case .regular:
            return try openScratch(path, kind: .file, directory: parentDirectory(of: path), regionSize: regionSize, scratch: scratch)
        default:
            throw BenchError.refused("cannot bench '\(path)': not a block device, regular file or directory")
        }
    }

    private static func openDevice(_ path: String, status: FileStatus, regionSize: Int64, writes: Bool) throws(BenchError) -> BenchTarget {
        // Opened for writing when the bench will write, so a device that refuses it is found now.
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(path, flags: [writes ? OpenFlags.readWrite : .readOnly, .closeOnExec])
        } catch {
            throw BenchError.system(error)
        }
        let geometry: BlockDeviceGeometry
        do {
            geometry = try BlockDeviceGeometry.of(descriptor)
        } catch {
            try? descriptor.close()
            throw BenchError.system(error)
        }
        try? descriptor.close()
        let deviceSize = Int64(clamping: geometry.size)
        let sector = max(geometry.logicalSectorSize, 512)
        let region = min(regionSize, deviceSize) / Int64(sector) * Int64(sector)

        var cacheDrop = CacheDrop(deviceBuffers: true)
        var backing: FileDescriptor?
        let loop = LoopBacking.of(major: status.representedMajor, minor: status.representedMinor)
        if let loop {
            cacheDrop.memoryFileSystem = (try? FileSystemType.of(path: loop.path))?.memoryFileSystemName
            if !loop.directIO {
                // Read-only is enough: fdatasync and posix_fadvise work on any open descriptor.
                do {
                    backing = try FileDescriptor.open(loop.path, flags: [.readOnly, .closeOnExec])
                    cacheDrop.backingFile = loop.path
                } catch {
                    cacheDrop.warn("the loop device's backing file '\(loop.path)' cannot be dropped from the page cache (\(error.reason))")
                }
            }
        }
        let facts = BenchTargetFacts(path: path, kind: .blockDevice, benchPath: path, regionSize: region,
                                     deviceSize: deviceSize, sectorSize: sector, backingFile: loop?.path)
        return BenchTarget(facts: facts, writesAllowed: writes, scratch: nil, cacheDrop: cacheDrop, backing: backing)
    }

    private static func openScratch(_ path: String, kind: BenchTargetFacts.Kind, directory: String,
                                    regionSize: Int64, scratch: ScratchFiles) throws(BenchError) -> BenchTarget {
        let file = try scratch.create(in: directory)
        var sector = 4096
        if let status = try? FileStatus.of(path: file), status.blockSize >= 512, status.blockSize <= 1 << 20 {
            sector = status.blockSize
        }
        let facts = BenchTargetFacts(path: path, kind: kind, benchPath: file, regionSize: regionSize, sectorSize: sector)
        let cacheDrop = CacheDrop(memoryFileSystem: (try? FileSystemType.of(path: file))?.memoryFileSystemName)
        return BenchTarget(facts: facts, writesAllowed: true, scratch: scratch, cacheDrop: cacheDrop)
    }

    /// `dir/name` → `dir`, `name` → `.`, `/name` → `/`.
    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// Drops a loop device's backing file from the page cache, written back first (only clean
    /// pages can be dropped). Advisory, as the rest of the cache drop.
    func dropBackingFileCache() {
        guard let backing else { return }
        try? backing.syncData()
        backing.dropCache(offset: 0, length: 0)
    }

    /// Removes the temporary file and lets go of the loop device's backing file.
    public func close() {
        if facts.kind != .blockDevice { scratch?.remove(facts.benchPath) }
        if let backing { try? backing.close() }
    }
}
