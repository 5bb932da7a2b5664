/// Little-endian encoding for the image format's own structures (every integer in a `.swdd`
/// image is little-endian, as zstd's are), and for `mirror`'s protocol over ssh.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    public mutating func u8(_ value: UInt8) { bytes.append(value) }
    public mutating func u16(_ value: UInt16) { append(UInt64(value), width: 2) }
    public mutating func u32(_ value: UInt32) { append(UInt64(value), width: 4) }
    public mutating func u64(_ value: UInt64) { append(value, width: 8) }
    public mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    public mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }
    /// A UTF-8 string: u16 length, then the bytes.
    public mutating func text(_ string: String) {
        let utf8 = Array(string.utf8.prefix(Int(UInt16.max)))
        u16(UInt16(utf8.count))
        raw(utf8)
    }

    private mutating func append(_ value: UInt64, width: Int) {
        for i in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }
}

/// Reads what `ByteWriter` wrote; running out of bytes is an error, never a zero.
public struct ByteReader {
    public struct Truncated: Error {}

    private let bytes: [UInt8]
    public private(set) var position: Int

    public init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    public var remaining: Int { bytes.count - position }

    public mutating func u8() throws(Truncated) -> UInt8 { UInt8(try read(width: 1)) }
    public mutating func u16() throws(Truncated) -> UInt16 { UInt16(try read(width: 2)) }
    public mutating func u32() throws(Truncated) -> UInt32 { UInt32(try read(width: 4)) }
    public mutating func u64() throws(Truncated) -> UInt64 { try read(width: 8) }
    public mutating func i64() throws(Truncated) -> Int64 { Int64(bitPattern: try u64()) }

    public mutating func raw(_ count: Int) throws(Truncated) -> [UInt8] {
        guard count >= 0, remaining >= count else { throw Truncated() }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    public mutating func text() throws(Truncated) -> String {
        let count = Int(try u16())
        return String(decoding: try raw(count), as: UTF8.self)
    }

    private mutating func read(width: Int) throws(Truncated) -> UInt64 {
        guard remaining >= width else { throw Truncated() }
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += width
        return value
    }
}

extension UnsafeRawBufferPointer {
    /// The little-endian u32 at `offset`.
    func u32(at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(self[offset + i]) << (8 * UInt32(i)) }
        return value
    }
}
