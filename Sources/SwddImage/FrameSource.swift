import SwddEngine
import SwddSystem

/// The frames a chunk needs, read and waiting to be decoded (attached by `FrameSource`): one
/// per image of the chain that holds one of the chunk's blocks — usually one.
struct FramesToDecode: Sendable {
    struct Read: Sendable {
        var member: Int
        var buffer: AlignedBuffer
    }

    var index: Int
    var reads: [Read]
}

/// Which frame a chunk carries: the front end's note, so that a chunk still empty of decoded
/// bytes is not taken for an empty one.
struct FrameNumber: Sendable { var index: Int }

/// Reads, in order, the frames a restore point's chunks need, each into a frame buffer of the
/// chunk that will hold its bytes. Every image of a chain shares one chunk grid, so chunk N
/// is frame N of whichever images hold its blocks. A chunk whose blocks are all zero (the
/// block maps say so, under their metadata checksums) is not read at all: it becomes a hole,
/// which the sink's zero policy turns into a punched hole, `BLKZEROOUT`, or nothing.
final class FrameSource: ChunkSource {
    enum Reading {
        /// What a restore needs: each block from the image that holds it, zero chunks as holes.
        case restore
        /// Every frame of the point's own image, zero frames included (`verify IMAGE`).
        case everyFrameOfTop
    }

    private let point: RestorePoint
    private let reading: Reading
    private let buffers: FrameBuffers
    private let counters: TransferCounters?
    /// Whether a chunk of unused blocks only is written as zeros (`--zero-unused`) rather than
    /// left as the target holds it.
    private let zeroesUnused: Bool
    private var next = 0

    init(point: RestorePoint, reading: Reading, zeroesUnused: Bool = false, counters: TransferCounters?) {
        self.point = point
        self.zeroesUnused = zeroesUnused
        self.reading = reading
        self.counters = counters
        buffers = FrameBuffers(capacity: max(point.members.map(\.layout.largestFrame).max() ?? 0, 1))
    }

    private var layout: ImageLayout { point.members[0].layout }

    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        guard next < layout.frames.count else { return .end }
        let index = next
        next += 1
        let frame = layout.frames[index]
        let members: [Int]
        switch reading {
        case .everyFrameOfTop: members = [0]
        case .restore: members = Set(layout.blocksOfFrame(index).compactMap(point.holder(ofBlock:))).sorted(by: >)
        }
        if members.isEmpty {
            chunk.markHole(at: frame.sourceOffset, length: frame.length)
            if reading == .restore && !zeroesUnused && layout.blocksOfFrame(index).allSatisfy({ point.holders[$0] == RestorePoint.unused }) {
                // Free space of a filesystem: the target keeps what it holds there.
                chunk.attachments[UnchangedAtTarget.self] = UnchangedAtTarget()
            }
        } else {
            var reads: [FramesToDecode.Read] = []
            for (slot, member) in members.enumerated() {
                let buffer = try buffers.buffer(for: chunk, slot: slot)
                let stored = point.members[member].layout.frames[index]
                let got = try point.members[member].bytes.read(at: stored.fileOffset, into: buffer.slice(0, stored.compressedSize))
                guard got == stored.compressedSize else {
                    throw ImageFormatError.truncated(expected: stored.fileOffset + Int64(stored.compressedSize), actual: stored.fileOffset + Int64(got))
                }
                counters?.addRead(got)
                reads.append(.init(member: member, buffer: buffer))
            }
            chunk.offset = frame.sourceOffset
            chunk.attachments[FramesToDecode.self] = FramesToDecode(index: index, reads: reads)
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

/// The parallel stage of restore and verify: decompresses a chunk's frames and checks every
/// block against the digest its image recorded, before anything is written. One frame (the
/// usual case: a full image, or a chunk that changed as a whole) decodes straight into the
/// chunk; several (a chunk whose blocks come from several images of a chain) decode in turn
/// into a scratch buffer, and each image's blocks are copied in.
final class FrameDecodingStage: ChunkStage {
    private let point: RestorePoint
    private let codec = ZstdCodec()
    private let scratch: FrameBuffers

    init(point: RestorePoint) {
        self.point = point
        scratch = FrameBuffers(capacity: max(point.metadata.chunkSize, 4096))
    }

    func process(_ chunk: Chunk) throws {
        guard chunk.kind != .hole, let frames = chunk.attachments[FramesToDecode.self] else { return }
        let top = point.members[0].layout
        let length = top.frames[frames.index].length
        let blocks = top.blocksOfFrame(frames.index)
        let blockSize = point.metadata.blockSize
        var holdsData = false
        if frames.reads.count == 1 {
            let read = frames.reads[0]
            try decode(read, frame: frames.index, into: chunk.buffer)
            for block in blocks {
                let start = Int(Int64(block) * Int64(blockSize) - chunk.offset)
                let bytes = UnsafeMutableRawBufferPointer(start: chunk.base + start, count: min(blockSize, length - start))
                let member = point.members[read.member].layout.metadata
                switch point.holders[block] {
                case RestorePoint.zero where member.blockStates[block] == .zero:
                    guard isAllZero(bytes.baseAddress!, count: bytes.count) else { throw point.blockMismatch(member: read.member, frame: frames.index, block: block) }
                case RestorePoint.unused where member.blockStates[block] == .unused:
                    // An unused block's frame bytes are zeros.
                    guard isAllZero(bytes.baseAddress!, count: bytes.count) else { throw point.blockMismatch(member: read.member, frame: frames.index, block: block) }
                case RestorePoint.zero, RestorePoint.unused:
                    // Zero or free at the restore point, data in this older image's frame.
                    bytes.initializeMemory(as: UInt8.self, repeating: 0)
                case RestorePoint.unresolved:
                    holdsData = true  // inherited: not in this image (verify IMAGE of an incremental)
                default:
                    try point.checkBlock(UnsafeRawBufferPointer(bytes), member: read.member, frame: frames.index, block: block)
                    holdsData = true
                }
            }
        } else {
            let spare = try scratch.buffer(for: chunk, slot: 0)
            for block in blocks where point.holders[block] == RestorePoint.zero || point.holders[block] == RestorePoint.unused {
                let start = Int(Int64(block) * Int64(blockSize) - chunk.offset)
                (chunk.base + start).initializeMemory(as: UInt32.self, repeating: 0, count: min(blockSize, length - start))
            }
            for read in frames.reads {
                try decode(read, frame: frames.index, into: spare)
                for block in blocks where point.holders[block] == Int32(read.member) {
                    let start = Int(Int64(block) * Int64(blockSize) - chunk.offset)
                    let count = min(blockSize, length - start)
                    try point.checkBlock(UnsafeRawBufferPointer(start: spare.base + start, count: count), member: read.member, frame: frames.index, block: block)
                    (chunk.base + start).copyMemory(from: spare.base + start, byteCount: count)
                    holdsData = true
                }
            }
        }
        chunk.count = length
        if !holdsData { chunk.markZero() }
    }

    private func decode(_ read: FramesToDecode.Read, frame index: Int, into buffer: AlignedBuffer) throws {
        let stored = point.members[read.member].layout.frames[index].compressedSize
        try point.decodeFrame(UnsafeRawBufferPointer(read.buffer.slice(0, stored)), member: read.member, frame: index, codec: codec,
                              into: buffer.slice(0, buffer.capacity))
    }
}
