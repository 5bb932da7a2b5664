/// zstd's skippable frames: `u32 magic (0x184D2A50–0x184D2A5F)`, `u32 size`, `size` bytes that
/// every zstd decoder skips. swdd's own structures ride in them, so `zstd -d IMAGE` still yields
/// the source byte for byte.
enum SkippableFrame {
    static let headerSize = 8
    /// The seek table's magic (zstd's seekable format).
    static let seekTableMagic: UInt32 = 0x184D_2A5E
    /// swdd's image header, the first frame of an image.
    static let headerMagic: UInt32 = 0x184D_2A5B
    /// swdd's metadata, the frame before the seek table.
    static let metadataMagic: UInt32 = 0x184D_2A5C

    static func encode(magic: UInt32, payload: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: payload.count + headerSize)
        writer.u32(magic)
        writer.u32(UInt32(payload.count))
        writer.raw(payload)
        return writer.bytes
    }

    static func isSkippable(_ magic: UInt32) -> Bool { magic & 0xFFFF_FFF0 == 0x184D_2A50 }
}
