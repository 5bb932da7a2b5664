#if canImport(Glibc)
import Glibc
#endif
import SwddSystem

/// Scratch files for engine tests, on /tmp's file system (which must support holes: ext4 here).
struct ScratchFile {
    let path: String
    let descriptor: FileDescriptor

    init(_ name: String) throws {
        path = "/tmp/swdd-engine-\(getpid())-\(name)"
        descriptor = try FileDescriptor.open(path, flags: [.readWrite, .create, .truncate])
    }

    /// Writes `count` bytes of `byte` at `offset`.
    func fill(_ byte: UInt8, at offset: Int64, count: Int) throws {
        let bytes = [UInt8](repeating: byte, count: count)
        try bytes.withUnsafeBytes { try descriptor.writeAll(toAbsoluteOffset: offset, $0) }
    }

    /// Writes `count` bytes of a pattern that depends on the offset.
    func pattern(at offset: Int64, count: Int) throws {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: (Int(offset) + $0) &* 31 &+ 7) }
        try bytes.withUnsafeBytes { try descriptor.writeAll(toAbsoluteOffset: offset, $0) }
    }

    func contents() throws -> [UInt8] {
        let size = Int(try descriptor.status().size)
        var bytes = [UInt8](repeating: 0, count: size)
        let got = try bytes.withUnsafeMutableBytes { try descriptor.readAll(fromAbsoluteOffset: 0, into: $0) }
        return Array(bytes.prefix(got))
    }

    /// Bytes allocated on disk (`st_blocks` × 512).
    var allocatedBytes: Int64 {
        var st = stat()
        stat(path, &st)
        return Int64(st.st_blocks) * 512
    }

    func remove() {
        try? descriptor.close()
        unlink(path)
    }
}
