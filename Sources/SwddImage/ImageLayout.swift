import SwddSystem

/// An image opened for random access: its seek table, header and metadata, each checked, and
/// where every data frame lies. Everything here is found and checked before a restore writes
/// anything: a truncated, damaged or foreign file is refused with the reason and the offset.
public struct ImageLayout: Sendable {
    public struct Frame: Sendable, Equatable {
        /// Where the frame starts in the image file, and its size there.
        public var fileOffset: Int64
        public var compressedSize: Int
        /// Where its bytes go in the source, and how many.
        public var sourceOffset: Int64
        public var length: Int
    }

    public var header: ImageHeader
    public var metadata: ImageMetadata
    /// The data frames, in source order.
    public var frames: [Frame]
    public var fileSize: Int64
    /// An encrypted image's cipher (nil: plain frames).
    var cipher: FrameCipher?

    /// The largest compressed frame: the size of a buffer that holds any of them.
    public var largestFrame: Int { frames.map(\.compressedSize).max() ?? 0 }

    /// Whether the file begins with a swdd header frame's magic: a swdd image, whole or not.
    public static func startsWithHeader(_ descriptor: any ImageBytes) -> Bool {
        guard let start = try? read(descriptor, at: 0, count: 4) else { return false }
        return start.withUnsafeBytes { $0.u32(at: 0) } == SkippableFrame.headerMagic
    }

    /// The header frame alone, or nil when the file does not start with one: what an image says
    /// about itself without its key (its layout, its encryption's cipher and key id).
    public static func header(of descriptor: any ImageBytes) -> ImageHeader? {
        guard let start = try? read(descriptor, at: 0, count: SkippableFrame.headerSize),
              start.withUnsafeBytes({ $0.u32(at: 0) }) == SkippableFrame.headerMagic else { return nil }
        let size = Int(start.withUnsafeBytes { $0.u32(at: 4) })
        guard size < 1 << 16, let payload = try? read(descriptor, at: Int64(SkippableFrame.headerSize), count: size) else { return nil }
        return try? ImageHeader.decode(payload)
    }

    /// Reads and checks the structure of the image `descriptor` reads (a regular file, or a
    /// remote object). An encrypted image needs its `key` (`ImageFormatError.needsKey` without
    /// it, `.wrongKey` with another); a plain one ignores it.
    public static func read(_ descriptor: any ImageBytes, key: ImageKey? = nil) throws -> ImageLayout {
        let fileSize = try descriptor.byteCount()
        guard fileSize >= Int64(SeekTable.footerSize) else { throw ImageFormatError.notAnImage("too short to hold a seek table") }
        let footer = try read(descriptor, at: fileSize - Int64(SeekTable.footerSize), count: SeekTable.footerSize)
        let frameCount: Int
        do {
            frameCount = try SeekTable.frameCount(footer: footer)
        } catch {
            // swdd's header but no table: an image cut short, or one still being written.
            if startsWithHeader(descriptor) {
                throw ImageFormatError.damaged(offset: fileSize, "the seek table is missing: the image was cut short or is still being written")
            }
            throw ImageFormatError.notAnImage("no zstd seek table at its end")
        }
        let tableSize = Int64(SeekTable.size(frames: frameCount))
        guard frameCount >= 2, tableSize <= fileSize else { throw ImageFormatError.notAnImage("its seek table is not swdd's") }
        let tableOffset = fileSize - tableSize
        let table: SeekTable
        do {
            table = try SeekTable.parse(try read(descriptor, at: tableOffset, count: Int(tableSize)), frames: frameCount)
        } catch {
            throw ImageFormatError.damaged(offset: tableOffset, "the seek table's frame header is wrong")
        }
        // Every byte before the table belongs to an entry: the sizes must add up to its offset.
        let covered = table.entries.reduce(Int64(0)) { $0 + Int64($1.compressedSize) }
        if covered > tableOffset { throw ImageFormatError.truncated(expected: covered + tableSize, actual: fileSize) }
        if covered < tableOffset { throw ImageFormatError.damaged(offset: covered, "bytes between the frames and the seek table") }

        // The first entry is the header, the last the metadata; both are skippable frames.
        let first = table.entries[0], last = table.entries[frameCount - 1]
        guard first.decompressedSize == 0, last.decompressedSize == 0 else { throw ImageFormatError.notAnImage("no swdd header and metadata frames") }
        let header = try ImageHeader.decode(try payload(descriptor, at: 0, size: Int(first.compressedSize), magic: SkippableFrame.headerMagic))
        let cipher = try header.encryption?.cipher(imageID: header.imageID, key: key)
        let metadataOffset = tableOffset - Int64(last.compressedSize)
        let metadata = try ImageMetadata.decode(try payload(descriptor, at: metadataOffset, size: Int(last.compressedSize),
                                                            magic: SkippableFrame.metadataMagic), offset: metadataOffset, cipher: cipher)

        var frames: [Frame] = []
        frames.reserveCapacity(frameCount - 2)
        var fileOffset = Int64(first.compressedSize)
        var sourceOffset: Int64 = 0
        for entry in table.entries[1..<(frameCount - 1)] {
            frames.append(Frame(fileOffset: fileOffset, compressedSize: Int(entry.compressedSize), sourceOffset: sourceOffset,
                                length: Int(entry.decompressedSize)))
            fileOffset += Int64(entry.compressedSize)
            sourceOffset += Int64(entry.decompressedSize)
        }
        try check(header: header, metadata: metadata, frames: frames, sourceSize: sourceOffset)
        return ImageLayout(header: header, metadata: metadata, frames: frames, fileSize: fileSize, cipher: cipher)
    }

    /// Where data frame `index` sits, as its seal names it.
    func position(ofFrame index: Int) -> FramePosition {
        FramePosition(index: index, sourceOffset: frames[index].sourceOffset, length: frames[index].length)
    }

    /// Header, metadata and frames must tell one story: the same layout, frames on the chunk
    /// grid, one block-map entry per block.
    private static func check(header: ImageHeader, metadata: ImageMetadata, frames: [Frame], sourceSize: Int64) throws(ImageFormatError) {
        guard header.imageID == metadata.imageID, header.hash == metadata.hash, header.chunkSize == metadata.chunkSize,
              header.blockSize == metadata.blockSize, header.sectorSize == metadata.sectorSize,
              header.kind == metadata.kind, header.parentID == metadata.parentID else {
            throw .damaged(offset: 0, "the header and the metadata disagree")
        }
        guard metadata.blockSize > 0, metadata.chunkSize >= metadata.blockSize, metadata.chunkSize % metadata.blockSize == 0 else {
            throw .damaged(offset: 0, "impossible chunk and block sizes")
        }
        guard (metadata.kind == .full) == !metadata.hasParent else { throw .damaged(offset: 0, "a \(metadata.kind) image must name a parent, a full one none") }
        guard metadata.sourceSize == sourceSize else {
            throw .damaged(offset: 0, "the frames hold \(sourceSize) bytes, the metadata says \(metadata.sourceSize)")
        }
        for (index, frame) in frames.enumerated() {
            let expected = min(Int64(metadata.chunkSize), sourceSize - frame.sourceOffset)
            guard Int64(frame.length) == expected, frame.compressedSize > 0 else {
                throw .damaged(offset: frame.fileOffset, "frame \(index) is off the chunk grid")
            }
        }
        let blocks = Int((sourceSize + Int64(metadata.blockSize) - 1) / Int64(metadata.blockSize))
        guard metadata.blockCount == blocks, metadata.blockDigests.count == blocks * metadata.hash.digestSize else {
            throw .damaged(offset: 0, "the block map has \(metadata.blockCount) blocks for \(blocks)")
        }
    }

    private static func payload(_ descriptor: any ImageBytes, at offset: Int64, size: Int, magic: UInt32) throws -> [UInt8] {
        guard size >= SkippableFrame.headerSize else { throw ImageFormatError.damaged(offset: offset, "a frame too small for its header") }
        let bytes = try read(descriptor, at: offset, count: size)
        var reader = ByteReader(bytes)
        guard let found = try? reader.u32(), let length = try? reader.u32() else { throw ImageFormatError.damaged(offset: offset, "a frame cut short") }
        guard found == magic else {
            throw magic == SkippableFrame.headerMagic ? ImageFormatError.notAnImage("it does not start with a swdd header")
                                                      : ImageFormatError.damaged(offset: offset, "no metadata frame before the seek table")
        }
        guard Int(length) == size - SkippableFrame.headerSize else { throw ImageFormatError.damaged(offset: offset, "a frame's size disagrees with the seek table") }
        return Array(bytes[SkippableFrame.headerSize...])
    }

    /// The first `count` bytes of a small file (a bmap), however much of it there is.
    public static func readAll(_ descriptor: any ImageBytes, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try bytes.withUnsafeMutableBytes { try descriptor.read(at: 0, into: $0) }
        return Array(bytes.prefix(got))
    }

    static func read(_ descriptor: any ImageBytes, at offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try bytes.withUnsafeMutableBytes { try descriptor.read(at: offset, into: $0) }
        guard got == count else { throw ImageFormatError.truncated(expected: offset + Int64(count), actual: offset + Int64(got)) }
        return bytes
    }
}
