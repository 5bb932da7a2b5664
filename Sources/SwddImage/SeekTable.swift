/// The zstd seekable format's seek table (facebook/zstd `contrib/seekable_format`): the last
/// frame of the file, a skippable frame with one entry per frame before it and a 9-byte footer.
///
///     u32 0x184D2A5E, u32 frame size,
///     per frame: u32 compressed size, u32 decompressed size (no checksums: descriptor bit 7 = 0),
///     footer: u32 number of frames, u8 descriptor, u32 0x8F92EAB1.
///
/// Every byte before the table belongs to an entry, swdd's skippable frames included (each with
/// decompressed size 0), so a reader finds frame N by adding up compressed sizes.
public struct SeekTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var compressedSize: UInt32
        public var decompressedSize: UInt32
    }

    public static let footerMagic: UInt32 = 0x8F92_EAB1
    static let footerSize = 9
    static let entrySize = 8

    public var entries: [Entry] = []

    /// The table as it ends the file.
    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: entries.count * Self.entrySize + 17)
        writer.u32(SkippableFrame.seekTableMagic)
        writer.u32(UInt32(entries.count * Self.entrySize + Self.footerSize))
        for entry in entries {
            writer.u32(entry.compressedSize)
            writer.u32(entry.decompressedSize)
        }
        writer.u32(UInt32(entries.count))
        writer.u8(0)
        writer.u32(Self.footerMagic)
        return writer.bytes
    }

    /// Bytes the whole table takes for `frames` entries.
    static func size(frames: Int) -> Int { SkippableFrame.headerSize + frames * entrySize + footerSize }

    enum ParseError: Error, Equatable {
        case noFooter
        case checksumsNotSupported
        case reservedBitsSet
        case badFrameHeader
    }

    /// The number of frames the footer (the file's last 9 bytes) announces.
    static func frameCount(footer: [UInt8]) throws(ParseError) -> Int {
        var reader = ByteReader(footer)
        guard footer.count == footerSize, let count = try? reader.u32(), let descriptor = try? reader.u8(),
              let magic = try? reader.u32(), magic == footerMagic else { throw .noFooter }
        // Bit 7: per-frame checksums (swdd writes none; zstd's own frame checksums cover each
        // frame). Bits 6–2 are reserved and must be zero.
        if descriptor & 0x7C != 0 { throw .reservedBitsSet }
        if descriptor & 0x80 != 0 { throw .checksumsNotSupported }
        return Int(count)
    }

    /// Parses the whole table frame (`size(frames:)` bytes, from its magic to the footer).
    static func parse(_ bytes: [UInt8], frames: Int) throws(ParseError) -> SeekTable {
        var reader = ByteReader(bytes)
        guard let magic = try? reader.u32(), magic == SkippableFrame.seekTableMagic,
              let frameSize = try? reader.u32(), Int(frameSize) == frames * entrySize + footerSize else { throw .badFrameHeader }
        var table = SeekTable()
        table.entries.reserveCapacity(frames)
        for _ in 0..<frames {
            guard let c = try? reader.u32(), let d = try? reader.u32() else { throw .badFrameHeader }
            table.entries.append(Entry(compressedSize: c, decompressedSize: d))
        }
        return table
    }
}
