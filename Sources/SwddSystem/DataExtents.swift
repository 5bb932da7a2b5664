#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// A run of bytes that holds data (as opposed to a hole), found with `SEEK_DATA`/`SEEK_HOLE`.
public struct DataExtent: Sendable, Equatable {
    public var offset: Int64
    public var length: Int64
    public init(offset: Int64, length: Int64) {
        self.offset = offset
        self.length = length
    }
    public var end: Int64 { offset + length }
}

extension FileDescriptor {
    /// The next data extent at or after `offset`, clipped to `limit`; nil when only a hole remains.
    /// Filesystems without hole support report the whole file as data, which is still correct.
    /// The descriptor's file offset is moved; callers use positional I/O.
    public func nextDataExtent(from offset: Int64, limit: Int64) throws(SystemError) -> DataExtent? {
        guard offset < limit else { return nil }
        let dataStart: Int64
        do {
            dataStart = try seek(offset: offset, from: .data)
        } catch {
            // ENXIO: no data past offset. EINVAL: SEEK_DATA unsupported, so treat all as data.
            if error.code == .noSuchAddressOrDevice { return nil }
            if error.code == .invalidArgument { return DataExtent(offset: offset, length: limit - offset) }
            throw error
        }
        guard dataStart < limit else { return nil }
        let holeStart = (try? seek(offset: dataStart, from: .hole)) ?? limit
        return DataExtent(offset: dataStart, length: min(holeStart, limit) - dataStart)
    }
}

extension FileDescriptor {
    /// The next hole at or after `offset`, clipped to `limit`, as a range; nil when data runs
    /// to `limit`. A filesystem without hole support reports none. The file offset is moved.
    public func nextHole(from offset: Int64, limit: Int64) throws(SystemError) -> Range<Int64>? {
        var cursor = offset
        while cursor < limit {
            guard let data = try nextDataExtent(from: cursor, limit: limit) else { return cursor..<limit }
            if data.offset > cursor { return cursor..<data.offset }
            cursor = data.end
        }
        return nil
    }

    /// The C function is `fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)`: frees the
    /// blocks of a range of a regular file, which then reads as zeros; the size stays.
    public func punchHole(offset: Int64, length: Int64) throws(SystemError) {
        while swdd_punch_hole(rawValue, offset, length) != 0 {
            if errno != EINTR { throw SystemError.current("fallocate", path: path) }
        }
    }
}
