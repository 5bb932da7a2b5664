import Synchronization
import SwddSystem

/// Where writes through an `--overlay` mount go: a sparse temporary file as large as the disk,
/// holding written bytes at their own offsets, and the map of what was written. The file is
/// unlinked as soon as it is made, so it vanishes with the mount (even after kill -9) and the
/// image is never opened for writing.
final class OverlayStore: Sendable {
    private let file: FileDescriptor
    private let written = Mutex(WrittenRanges())

    init(size: Int64, directory: String) throws(SystemError) {
        let path = "\(directory)/.swdd-overlay-\(currentProcessID())-\(UInt32.random(in: 0...UInt32.max))"
        file = try FileDescriptor.open(path, flags: [.readWrite, .create, .exclusive, .closeOnExec], mode: 0o600)
        try? FileSystemPath.remove(path)
        do {
            try file.truncate(to: size)
        } catch {
            try? file.close()
            throw error
        }
    }

    deinit { try? file.close() }

    func write(at offset: Int64, _ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        do {
            try file.writeAll(toAbsoluteOffset: offset, bytes)
        } catch {
            throw error.error
        }
        written.withLock { $0.insert(offset..<(offset + Int64(bytes.count))) }
    }

    /// Puts what was written over `range` of the disk into `buffer`, which holds the image's
    /// bytes for that range.
    func overlay(_ range: Range<Int64>, onto buffer: UnsafeMutableRawBufferPointer) throws(SystemError) {
        let parts = written.withLock { $0.written(in: range) }
        for part in parts {
            let start = Int(part.lowerBound - range.lowerBound)
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[start..<(start + Int(part.count))])
            // The store is as large as the disk: a short read is past its end, never inside it.
            _ = try file.readAll(fromAbsoluteOffset: part.lowerBound, into: target)
        }
    }
}
