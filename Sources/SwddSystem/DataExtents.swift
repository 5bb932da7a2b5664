#if canImport(Glibc)
import Glibc
#endif

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
            if error.code == ENXIO { return nil }
            if error.code == EINVAL { return DataExtent(offset: offset, length: limit - offset) }
            throw error
        }
        guard dataStart < limit else { return nil }
        let holeStart = (try? seek(offset: dataStart, from: .hole)) ?? limit
        return DataExtent(offset: dataStart, length: min(holeStart, limit) - dataStart)
    }
}
