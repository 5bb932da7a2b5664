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
    /// Where the read tests read: the device, the named file itself (read-only), or the
    /// temporary file made in a directory.
    public var readPath: String
    /// Where the write tests write: the device, a temporary file next to a named file (the file
    /// itself only with `--write`), or the temporary file made in a directory.
    public var writePath: String
    /// Bytes used from offset 0.
    public var regionSize: Int64
    /// The device's size (`BLKGETSIZE64`); nil for files.
    public var deviceSize: Int64?
    /// `BLKSSZGET` for a device, the file system's block size for a file: the unit `O_DIRECT`
    /// requests must be multiples of.
    public var sectorSize: Int
    /// The backing file, when the target is a loop device.
    public var backingFile: String?

    public init(path: String, kind: Kind, readPath: String, writePath: String? = nil, regionSize: Int64,
                deviceSize: Int64? = nil, sectorSize: Int, backingFile: String? = nil) {
        self.path = path
        self.kind = kind
        self.readPath = readPath
        self.writePath = writePath ?? readPath
        self.regionSize = regionSize
        self.deviceSize = deviceSize
        self.sectorSize = sectorSize
        self.backingFile = backingFile
    }
}

/// A target opened for benching: a block device (read in place; written only when the caller
/// allows it, having checked that it is not in use and claimed it for the run); a regular file,
/// read in place and read-only, as fio reads the file it is given, its write tests on a
/// temporary file next to it (on the file itself only when the caller allows it); or a
/// directory, both on a temporary file inside it. Temporary files are removed by `close` (or by
/// `ScratchFiles.removeAll` on a signal).
public final class BenchTarget: Sendable {
    public let facts: BenchTargetFacts
    /// Whether write tests may run.
    public let writesAllowed: Bool
    private let scratch: ScratchFiles?
    /// What making reads cold takes here, before any test: the runner adds what it learns.
    public let cacheDrop: CacheDrop
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
    /// The temporary file the bench made, if any: it is laid out in full before the first
    /// test that uses it, so reads read real blocks and writes overwrite allocated ones.
    var scratchPath: String? {
        switch facts.kind {
        case .blockDevice: return nil
        case .directory: return facts.readPath
        case .file: return facts.writePath == facts.readPath ? nil : facts.writePath
        }
    }
    /// Buffers are aligned to at least a page, whatever the sector size, as `O_DIRECT` wants.
    var bufferAlignment: Int { max(4096, facts.sectorSize) }

    /// Opens `path` for a bench of `regionSize` bytes. `writeInPlace` lets the write tests write
    /// a block device or a regular file itself (a device is otherwise only read, a file's writes
    /// go to a temporary file next to it): whether it may (asked for, and not in use) is the
    /// caller's policy, and so is holding a device exclusively while the bench writes it.
    public static func open(_ path: String, regionSize: Int64, writeInPlace: Bool, scratch: ScratchFiles) throws(BenchError) -> BenchTarget {
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
            return try openDevice(path, status: status, regionSize: regionSize, writes: writeInPlace)
        case .directory:
            return try openScratch(path, directory: path, regionSize: regionSize, scratch: scratch)
        case .regular:
            return try openFile(path, status: status, regionSize: regionSize, writeInPlace: writeInPlace, scratch: scratch)
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
        let facts = BenchTargetFacts(path: path, kind: .blockDevice, readPath: path, regionSize: region,
                                     deviceSize: deviceSize, sectorSize: sector, backingFile: loop?.path)
        return BenchTarget(facts: facts, writesAllowed: writes, scratch: nil, cacheDrop: cacheDrop, backing: backing)
    }

    /// A directory: reads and writes on one temporary file inside it.
    private static func openScratch(_ path: String, directory: String, regionSize: Int64,
                                    scratch: ScratchFiles) throws(BenchError) -> BenchTarget {
        let file = try scratch.create(in: directory)
        let facts = BenchTargetFacts(path: path, kind: .directory, readPath: file, regionSize: regionSize,
                                     sectorSize: directIOUnit(file))
        let cacheDrop = CacheDrop(memoryFileSystem: (try? FileSystemType.of(path: file))?.memoryFileSystemName)
        return BenchTarget(facts: facts, writesAllowed: true, scratch: scratch, cacheDrop: cacheDrop)
    }

    /// A regular file: its first `regionSize` bytes (no more than it holds) are read in place;
    /// the write tests write the same number of bytes of a temporary file next to it, or with
    /// `writeInPlace` the file itself (its size unchanged).
    private static func openFile(_ path: String, status: FileStatus, regionSize: Int64, writeInPlace: Bool,
                                 scratch: ScratchFiles) throws(BenchError) -> BenchTarget {
        guard status.size > 0 else {
            throw BenchError.refused("cannot bench '\(path)': the file is empty (to measure a new file, name the directory it would be in)")
        }
        // Fails now, not after the first tests, when the file cannot be read (or written).
        do {
            let probe = try FileDescriptor.open(path, flags: [writeInPlace ? .readWrite : .readOnly, .closeOnExec])
            try? probe.close()
        } catch {
            throw BenchError.system(error)
        }
        let region = min(regionSize, status.size)
        let writePath = writeInPlace ? path : try scratch.create(in: parentDirectory(of: path))
        let facts = BenchTargetFacts(path: path, kind: .file, readPath: path, writePath: writePath, regionSize: region,
                                     sectorSize: directIOUnit(path))
        let cacheDrop = CacheDrop(memoryFileSystem: (try? FileSystemType.of(path: path))?.memoryFileSystemName)
        return BenchTarget(facts: facts, writesAllowed: true, scratch: scratch, cacheDrop: cacheDrop)
    }

    /// The file system's block size, the unit `O_DIRECT` requests on a file must be multiples of
    /// (4096 when it reports nothing sensible).
    private static func directIOUnit(_ path: String) -> Int {
        if let status = try? FileStatus.of(path: path), status.blockSize >= 512, status.blockSize <= 1 << 20 {
            return status.blockSize
        }
        return 4096
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
        if let scratchPath { scratch?.remove(scratchPath) }
        if let backing { try? backing.close() }
    }
}
