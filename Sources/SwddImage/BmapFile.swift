import Crypto
import SwddSystem

/// A bmap 2.0 file (yoctoproject/bmaptool's block map), written beside an image with `--bmap`,
/// so `bmaptool copy IMAGE TARGET` restores it.
///
/// Which blocks are mapped: every 4 KiB block of the source that holds a non-zero byte. The rest
/// are bmap's "don't care" blocks, which `bmaptool copy` leaves as they are on the target: onto
/// a blank or new target that is the source exactly; onto a used device the old bytes stay in
/// them (`swdd restore` always writes the zeros). Ranges never cross a chunk, so each range's
/// SHA-256 is computed by the parallel stage that already holds the chunk.
public struct BmapFile: Sendable {
    public static let blockSize = 4096

    /// Inclusive block numbers and the SHA-256 of their bytes (to the end of the source, for
    /// the last block), as bmaptool's `<Range chksum="…"> first-last </Range>`.
    public struct Range: Sendable, Equatable {
        public var first: Int64
        public var last: Int64
        public var sha256: String
    }

    public var imageSize: Int64
    public var ranges: [Range]

    /// The bmap's text, in bmaptool's own layout (no "--" may appear in its XML comments), with its `BmapFileChecksum`: the SHA-256 of the
    /// whole file as written with that field's digest replaced by ASCII zeros.
    public func rendered() -> String {
        let blocks = (imageSize + Int64(Self.blockSize) - 1) / Int64(Self.blockSize)
        let mapped = ranges.reduce(Int64(0)) { $0 + $1.last - $1.first + 1 }
        let percent = blocks > 0 ? Double(mapped) * 100 / Double(blocks) : 0
        let tenths = Int((percent * 10).rounded())
        var body = ""
        for range in ranges {
            let span = range.first == range.last ? "\(range.first)" : "\(range.first)-\(range.last)"
            body += "        <Range chksum=\"\(range.sha256)\"> \(span) </Range>\n"
        }
        func text(checksum: String) -> String {
            """
            <?xml version="1.0" ?>
            <!-- This file contains the block map for an image file: the blocks that hold data,
                 which have to be copied to the target. The others read as zeros in the image and
                 do not have to be copied. Written by swdd image. -->

            <bmap version="2.0">
                <!-- Image size in bytes -->
                <ImageSize> \(imageSize) </ImageSize>

                <!-- Size of a block in bytes -->
                <BlockSize> \(Self.blockSize) </BlockSize>

                <!-- Count of blocks in the image file -->
                <BlocksCount> \(blocks) </BlocksCount>

                <!-- Count of mapped blocks: \(tenths / 10).\(tenths % 10)% -->
                <MappedBlocksCount> \(mapped) </MappedBlocksCount>

                <!-- Type of checksum used in this file -->
                <ChecksumType> sha256 </ChecksumType>

                <!-- The checksum of this bmap file. When it is calculated, the value of
                     the checksum has be zero (all ASCII "0" symbols).  -->
                <BmapFileChecksum> \(checksum) </BmapFileChecksum>

                <!-- The block map: ranges of blocks, each with the checksum of its bytes. -->
                <BlockMap>
            \(body)    </BlockMap>
            </bmap>

            """
        }
        let zeros = String(repeating: "0", count: 64)
        let digest = SHA256.hash(data: Array(text(checksum: zeros).utf8))
        return text(checksum: ImageWriter.hex(Array(digest)))
    }

    /// Where bmaptool looks for an image's bmap: `a.img.zst` → `a.img.bmap`.
    public static func path(forImage image: String) -> String {
        (image.hasSuffix(".zst") ? String(image.dropLast(4)) : image) + ".bmap"
    }

    /// The mapped ranges of one chunk's bytes at `offset` (a multiple of the block size): runs
    /// of 4 KiB blocks holding a non-zero byte, each with its SHA-256.
    static func ranges(of bytes: UnsafeRawBufferPointer, at offset: Int64) -> [Range] {
        var found: [Range] = []
        var runStart: Int?
        func close(_ end: Int) {
            guard let start = runStart else { return }
            let digest = SHA256.hash(data: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            found.append(Range(first: (offset + Int64(start)) / Int64(blockSize),
                               last: (offset + Int64(end) - 1) / Int64(blockSize), sha256: ImageWriter.hex(Array(digest))))
            runStart = nil
        }
        var at = 0
        while at < bytes.count {
            let n = min(blockSize, bytes.count - at)
            if isAllZero(bytes.baseAddress! + at, count: n) {
                close(at)
            } else if runStart == nil {
                runStart = at
            }
            at += n
        }
        close(bytes.count)
        return found
    }
}
