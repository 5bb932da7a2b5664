import SwddSystem

/// A restore point read at random, one chunk at a time: what a mount needs, where a restore
/// streams every chunk in order (`FrameSource` and `FrameDecodingStage`). Chunk N of the disk
/// is frame N of whichever images of the chain hold its blocks; each of those frames is read
/// and decompressed, and every block is checked against the digest its image recorded before
/// any byte of the chunk is handed out, so a damaged frame is an error, never wrong data.
/// Safe to call from many threads at once: each call brings its own buffers.
public final class RestorePointChunks: Sendable {
    public let point: RestorePoint
    private let codec = ZstdCodec()

    /// The point must be complete (`RestorePoint.checkComplete`): every block's bytes are read.
    public init(point: RestorePoint) throws(ImageFormatError) {
        try point.checkComplete()
        self.point = point
    }

    private var layout: ImageLayout { point.members[0].layout }

    public var diskSize: Int64 { point.metadata.sourceSize }
    public var chunkSize: Int { point.metadata.chunkSize }
    public var chunkCount: Int { layout.frames.count }

    /// The bytes chunk `index` holds (its last chunk may be short).
    public func length(ofChunk index: Int) -> Int { layout.frames[index].length }

    /// Whether every block of chunk `index` is zero at this point: nothing to read or decode.
    public func isZero(chunk index: Int) -> Bool {
        layout.blocksOfFrame(index).allSatisfy { point.holder(ofBlock: $0) == nil }
    }

    /// The largest frame any image of the chain holds: the size of a buffer for `read`.
    public var largestFrame: Int { point.members.map(\.layout.largestFrame).max() ?? 0 }

    /// Decodes chunk `index` into `destination` (at least `chunkSize` bytes), checking every
    /// block it takes from an image; `frame` and `scratch` are the caller's buffers of at least
    /// `largestFrame` and `chunkSize` bytes (`scratch` is used only when the chunk's blocks come
    /// from several images). Throws `ImageFormatError.damaged` naming the image and the offset of
    /// the frame that does not check out.
    public func decode(chunk index: Int, into destination: UnsafeMutableRawBufferPointer,
                       frame: UnsafeMutableRawBufferPointer, scratch: UnsafeMutableRawBufferPointer) throws {
        let length = layout.frames[index].length
        let blocks = layout.blocksOfFrame(index)
        let blockSize = point.metadata.blockSize
        let holders = Set(blocks.compactMap(point.holder(ofBlock:))).sorted()
        let start = layout.frames[index].sourceOffset
        func range(ofBlock block: Int) -> Range<Int> {
            let from = Int(Int64(block) * Int64(blockSize) - start)
            return from..<min(from + blockSize, length)
        }
        // One image holding every block (the usual case) decodes straight into place; otherwise
        // each image's frame decodes into `scratch` and only its blocks are copied in.
        if holders.count == 1, blocks.allSatisfy({ point.holder(ofBlock: $0) == holders[0] }) {
            try decode(member: holders[0], frame: index, buffer: frame, into: destination)
            for block in blocks {
                try point.checkBlock(UnsafeRawBufferPointer(rebasing: destination[range(ofBlock: block)]), member: holders[0], frame: index, block: block)
            }
            return
        }
        for block in blocks where point.holder(ofBlock: block) == nil {
            let bytes = range(ofBlock: block)
            (destination.baseAddress! + bytes.lowerBound).initializeMemory(as: UInt8.self, repeating: 0, count: bytes.count)
        }
        for member in holders {
            try decode(member: member, frame: index, buffer: frame, into: scratch)
            for block in blocks where point.holder(ofBlock: block) == member {
                let bytes = range(ofBlock: block)
                try point.checkBlock(UnsafeRawBufferPointer(rebasing: scratch[bytes]), member: member, frame: index, block: block)
                (destination.baseAddress! + bytes.lowerBound).copyMemory(from: scratch.baseAddress! + bytes.lowerBound, byteCount: bytes.count)
            }
        }
    }

    private func decode(member: Int, frame index: Int, buffer: UnsafeMutableRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws {
        let image = point.members[member]
        let stored = image.layout.frames[index]
        let compressed = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<stored.compressedSize])
        let got = try image.bytes.read(at: stored.fileOffset, into: compressed)
        guard got == stored.compressedSize else {
            throw ImageFormatError.truncated(expected: stored.fileOffset + Int64(stored.compressedSize), actual: stored.fileOffset + Int64(got))
        }
        try point.decodeFrame(UnsafeRawBufferPointer(compressed), member: member, frame: index, codec: codec,
                              into: UnsafeMutableRawBufferPointer(rebasing: destination[0..<chunkSize]))
    }
}
