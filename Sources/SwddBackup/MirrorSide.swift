import SwddSystem

/// One side of a mirror, opened: a regular file or a block device, read on both sides (the
/// source once, the target once to compare and once more to verify what was written).
///
/// A block device is read with `O_DIRECT` where it allows it: a buffered read of a device, a
/// loop device above all, is cached twice and is the slowest read measured here, and a read-back
/// through the page cache would only check the cache. Its writes stay buffered, since the last
/// chunk of a file copied onto a device may end mid-sector, which `O_DIRECT` cannot write;
/// `fdatasync` before the read-back puts them on the device.
public struct MirrorSide: Sendable {
    public let path: String
    /// Reads, at absolute offsets (`O_DIRECT` on a device where it works).
    public let reader: FileDescriptor
    /// Writes, for a target; nil for a source.
    public let writer: FileDescriptor?
    public let isRegularFile: Bool
    /// Bytes: the file's size, or the device's (`BLKGETSIZE64`).
    public let size: Int64
    /// The device's logical sector size (`BLKSSZGET`); 512 for a regular file, as `swdd image`
    /// records for one.
    public let logicalSectorSize: Int
    /// What reads must be rounded up to: the sector size when `reader` is `O_DIRECT`, else 1.
    public let readAlignment: Int

    /// Opens a regular file or block device at `path`; `forWriting` adds the descriptor that
    /// writes it. Anything else (a directory, a pipe) is `NotSeekable`.
    public static func open(_ path: String, forWriting: Bool) throws -> MirrorSide {
        // Asked by path first: opening a FIFO would block until someone writes it.
        let kind = try FileStatus.of(path: path).kind
        guard kind == .regular || kind == .blockDevice else { throw NotSeekable(path: path, kind: kind) }
        let plain = try FileDescriptor.open(path, flags: [forWriting ? .readWrite : .readOnly, .closeOnExec])
        do {
            let status = try plain.status()
            guard status.kind == .blockDevice else {
                if !forWriting { plain.adviseSequential() }
                return MirrorSide(path: path, reader: plain, writer: forWriting ? plain : nil, isRegularFile: true,
                                  size: status.size, logicalSectorSize: 512, readAlignment: 1)
            }
            let geometry = try BlockDeviceGeometry.of(plain)
            // A device that refuses O_DIRECT (EINVAL) is read through the page cache instead.
            let direct = try? FileDescriptor.open(path, flags: [.readOnly, .direct, .closeOnExec])
            // A source keeps one descriptor: the direct one when it opened.
            if direct != nil && !forWriting { try? plain.close() }
            return MirrorSide(path: path, reader: direct ?? plain, writer: forWriting ? plain : nil, isRegularFile: false,
                              size: Int64(geometry.size), logicalSectorSize: geometry.logicalSectorSize,
                              readAlignment: direct == nil ? 1 : geometry.logicalSectorSize)
        } catch {
            try? plain.close()
            throw error
        }
    }

    /// Closes what `open` opened (the reader and writer may be one descriptor).
    public func close() {
        try? reader.close()
        if let writer, writer != reader { try? writer.close() }
    }

    /// Reads `length` bytes at `offset` into `buffer`, the request rounded up to whole sectors
    /// under `O_DIRECT` (a target is at least as large as the source, so the sectors are there).
    /// Short means the side ended early: an error, never zeros.
    func readExactly(at offset: Int64, length: Int, into buffer: AlignedBuffer) throws {
        let request = min(buffer.capacity, (length + readAlignment - 1) / readAlignment * readAlignment)
        let got = try reader.readAll(fromAbsoluteOffset: offset, into: buffer.slice(0, request))
        guard got >= length else { throw MirrorError.targetEndedEarly(path: path, offset: offset + Int64(got)) }
    }

    /// A mirror reads both sides at any offset, so neither may be a stream or a directory.
    public struct NotSeekable: Error, Equatable, Sendable {
        public var path: String
        public var kind: FileKind
    }
}
