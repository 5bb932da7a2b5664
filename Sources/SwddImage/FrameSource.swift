import SwddEngine
import SwddSystem

/// A frame read from the image, waiting to be decoded (attached by `FrameSource`).
struct CompressedFrame: Sendable {
    var buffer: AlignedBuffer
    var index: Int
}

/// Which frame a chunk carries: the front end's note, so that a chunk still empty of decoded
/// bytes is not taken for an empty one.
struct FrameNumber: Sendable { var index: Int }

/// Reads an image's data frames in order, each into the frame buffer of the chunk that will
/// hold its bytes. A frame whose blocks are all zero (the block map says so, under the
/// metadata's checksum) need not be read at all when `skipsZeroFrames`: it becomes a hole,
/// which the sink's zero policy turns into a punched hole, `BLKZEROOUT`, or nothing.
final class FrameSource: ChunkSource {
    private let layout: ImageLayout
    private let descriptor: FileDescriptor
    private let skipsZeroFrames: Bool
    private let buffers: FrameBuffers
    private let counters: TransferCounters?
    private var next = 0

    init(layout: ImageLayout, descriptor: FileDescriptor, skipsZeroFrames: Bool, counters: TransferCounters?) {
        self.layout = layout
        self.descriptor = descriptor
        self.skipsZeroFrames = skipsZeroFrames
        self.counters = counters
        buffers = FrameBuffers(capacity: max(layout.largestFrame, 1))
    }

    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        guard next < layout.frames.count else { return .end }
        let index = next
        next += 1
        let frame = layout.frames[index]
        if skipsZeroFrames && layout.blocksOfFrame(index).allSatisfy({ layout.metadata.blockStates[$0] == .zero }) {
            chunk.markHole(at: frame.sourceOffset, length: frame.length)
        } else {
            let buffer = try buffers.buffer(for: chunk)
            let got = try descriptor.readAll(fromAbsoluteOffset: frame.fileOffset, into: buffer.slice(0, frame.compressedSize))
            guard got == frame.compressedSize else {
                throw ImageFormatError.truncated(expected: frame.fileOffset + Int64(frame.compressedSize), actual: frame.fileOffset + Int64(got))
            }
            counters?.addRead(got)
            chunk.offset = frame.sourceOffset
            chunk.attachments[CompressedFrame.self] = CompressedFrame(buffer: buffer, index: index)
        }
        chunk.annotation = FrameNumber(index: index)
        return next < layout.frames.count ? .more : .end
    }
}

extension ImageLayout {
    /// The block-map indexes of frame `index`'s blocks.
    func blocksOfFrame(_ index: Int) -> Range<Int> {
        let frame = frames[index]
        let first = Int(frame.sourceOffset / Int64(metadata.blockSize))
        let count = (frame.length + metadata.blockSize - 1) / metadata.blockSize
        return first..<(first + count)
    }
}

/// The parallel stage of restore and verify: decompresses a chunk's frame into the chunk and
/// checks every block against the digest the metadata recorded, before anything is written.
final class FrameDecodingStage: ChunkStage {
    private let layout: ImageLayout
    private let codec = ZstdCodec()

    init(layout: ImageLayout) { self.layout = layout }

    func process(_ chunk: Chunk) throws {
        guard chunk.kind != .hole, let compressed = chunk.attachments[CompressedFrame.self] else { return }
        let frame = layout.frames[compressed.index]
        let n: Int
        do {
            n = try codec.decompress(UnsafeRawBufferPointer(compressed.buffer.slice(0, frame.compressedSize)),
                                     into: chunk.buffer.slice(0, chunk.capacity))
        } catch {
            throw ImageFormatError.damaged(offset: frame.fileOffset, "frame \(compressed.index): \(error.reason)")
        }
        guard n == frame.length else {
            throw ImageFormatError.damaged(offset: frame.fileOffset, "frame \(compressed.index) holds \(n) bytes, not \(frame.length)")
        }
        chunk.count = n
        let metadata = layout.metadata
        var allZero = true
        for block in layout.blocksOfFrame(compressed.index) {
            let start = Int(Int64(block) * Int64(metadata.blockSize) - frame.sourceOffset)
            let bytes = UnsafeRawBufferPointer(start: chunk.base + start, count: min(metadata.blockSize, n - start))
            let matches: Bool
            switch metadata.blockStates[block] {
            case .zero:
                matches = isAllZero(bytes.baseAddress!, count: bytes.count)
            case .data, .unreadable:
                matches = metadata.hash.digest(bytes)[...] == metadata.digest(ofBlock: block)
                allZero = false
            case .inherited:
                matches = true  // its bytes live in the parent image
                allZero = false
            }
            guard matches else {
                throw ImageFormatError.damaged(offset: frame.fileOffset,
                                               "block \(block) (source offset \(Int64(block) * Int64(metadata.blockSize))) does not match its \(metadata.hash.name) digest")
            }
        }
        if allZero { chunk.markZero() }
    }
}
