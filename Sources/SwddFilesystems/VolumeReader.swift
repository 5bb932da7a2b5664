import SwddSystem

/// Reads a filesystem's own structures at offsets from its start, never past its end: a field
/// that points outside the volume is a damaged filesystem, not a read of the next partition.
struct VolumeReader {
    let descriptor: FileDescriptor
    let range: Range<Int64>

    var size: Int64 { range.upperBound - range.lowerBound }

    /// `count` bytes at `offset` from the volume's start.
    func bytes(at offset: Int64, count: Int) throws(UntrustedAllocation) -> [UInt8] {
        guard offset >= 0, count >= 0, offset + Int64(count) <= size else {
            throw UntrustedAllocation("its structures point past its end")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        let got: Int
        do {
            got = try bytes.withUnsafeMutableBytes { buffer in
                try descriptor.readAll(fromAbsoluteOffset: range.lowerBound + offset, into: buffer)
            }
        } catch {
            throw UntrustedAllocation("reading its allocation structures failed: \((error as? SystemError)?.code.description ?? "\(error)")")
        }
        guard got == count else { throw UntrustedAllocation("the source ends inside it") }
        return bytes
    }
}

/// Little-endian fields of on-disk structures.
extension Array where Element == UInt8 {
    func u16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
    func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }
}
