import SwddEngine
import SwddSystem
import Synchronization

/// What the encoding stage attaches to a chunk: its frame and its blocks' states and digests.
struct EncodedFrame: Sendable {
    /// The frame's bytes: in the chunk's frame buffer, or (a zero frame) shared.
    var buffer: AlignedBuffer?
    var shared: [UInt8] = []
    var count: Int
    var states: [BlockState]
    var digests: [UInt8]
    /// With `--bmap`: the chunk's mapped 4 KiB ranges and their SHA-256.
    var bmapRanges: [BmapFile.Range] = []
    /// Source ranges that could not be read (`--keep-going`).
    var unreadable: [Range<Int64>] = []

    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        if let buffer { return try body(UnsafeRawBufferPointer(start: buffer.base, count: count)) }
        return try shared.withUnsafeBytes(body)
    }
}

/// One frame buffer per chunk of the pool, made on first use and kept: a chunk holds at most
/// one frame at a time, so memory stays at the pool's size times two.
final class FrameBuffers: Sendable {
    private let capacity: Int
    private let buffers = Mutex<[ObjectIdentifier: AlignedBuffer]>([:])

    init(capacity: Int) { self.capacity = capacity }

    func buffer(for chunk: Chunk) throws(SystemError) -> AlignedBuffer {
        let key = ObjectIdentifier(chunk)
        if let buffer = buffers.withLock({ $0[key] }) { return buffer }
        guard let buffer = AlignedBuffer(capacity: capacity, alignment: 4096) else {
            throw SystemError("allocating a frame buffer", code: .noMemory)
        }
        buffers.withLock { $0[key] = buffer }
        return buffer
    }
}

/// The parallel stage of `swdd image`: hashes each block of a chunk and turns the chunk into
/// one zstd frame — the compressor for data, a prebuilt RLE frame for zeros and holes (never
/// compressed, never hashed again), raw blocks for `--store` (libzstd writes raw blocks itself
/// where compression gains nothing).
final class FrameEncodingStage: ChunkStage {
    private let codec: ZstdCodec?
    private let hash: BlockHashAlgorithm
    private let blockSize: Int
    private let zeroFrames = ZeroFrames()
    private let zeroDigests: ZeroDigests
    private let frameBuffers: FrameBuffers
    private let mapsForBmap: Bool
    private let sourceFoundZeroChunks: Bool

    /// `codec` nil stores frames uncompressed; `bmap` also computes the bmap's ranges.
    /// `sourceFoundZeroChunks`: the source checks every chunk it reads for zeros and marks an
    /// all-zero one `.zero` (`ExtentSource` and `StreamSource` with `detectsZeros`, as `image`
    /// builds them), so a block that is the whole of a `.data` chunk is known to hold data and is
    /// not scanned a second time — a scan that reads the whole chunk when its data starts late.
    init(codec: ZstdCodec?, hash: BlockHashAlgorithm, chunkSize: Int, blockSize: Int, bmap: Bool = false,
         sourceFoundZeroChunks: Bool = true) {
        self.codec = codec
        self.sourceFoundZeroChunks = sourceFoundZeroChunks
        self.mapsForBmap = bmap
        self.hash = hash
        self.blockSize = blockSize
        zeroDigests = ZeroDigests(hash)
        frameBuffers = FrameBuffers(capacity: max(ZstdCodec.bound(chunkSize), HandBuiltFrame.storedFrameSize(length: chunkSize)))
    }

    func process(_ chunk: Chunk) throws {
        let length = chunk.length
        var states: [BlockState] = []
        var digests: [UInt8] = []
        var allZero = chunk.kind != .data
        let unreadable = chunk.attachments[UnreadableRanges.self]?.ranges ?? []
        var start = 0
        while start < length {
            let n = min(blockSize, length - start)
            let blockRange = (chunk.offset + Int64(start))..<(chunk.offset + Int64(start + n))
            if unreadable.contains(where: { $0.overlaps(blockRange) }) {
                // Zeros stand in for what could not be read; the digest is of the bytes stored.
                states.append(.unreadable)
                digests += hash.digest(UnsafeRawBufferPointer(start: chunk.base + start, count: n))
            } else if chunk.kind == .data && (n == length && sourceFoundZeroChunks || !isAllZero(chunk.base + start, count: n)) {
                states.append(.data)
                digests += hash.digest(UnsafeRawBufferPointer(start: chunk.base + start, count: n))
            } else {
                states.append(.zero)
                digests += zeroDigests.digest(length: n)
            }
            start += n
        }
        if chunk.kind == .data { allZero = !states.contains(.data) && !states.contains(.unreadable) }
        if allZero {
            let frame = zeroFrames.frame(length: length)
            chunk.attachments[EncodedFrame.self] = EncodedFrame(buffer: nil, shared: frame, count: frame.count, states: states, digests: digests,
                                                                unreadable: unreadable)
            return
        }
        let buffer = try frameBuffers.buffer(for: chunk)
        let count: Int
        if let codec {
            // Incompressible data needs no second pass: libzstd itself falls back to raw blocks
            // wherever compressing gains nothing, and its frame is then at most a few header
            // bytes longer than one built by hand — which would copy and checksum the chunk
            // again (a fifth of `image`'s CPU on random data).
            count = try codec.compress(chunk.bytes, into: buffer.bytes)
        } else {
            count = HandBuiltFrame.writeStoredFrame(chunk.bytes, to: buffer.base)
        }
        let ranges = mapsForBmap ? BmapFile.ranges(of: chunk.bytes, at: chunk.offset) : []
        chunk.attachments[EncodedFrame.self] = EncodedFrame(buffer: buffer, count: count, states: states, digests: digests, bmapRanges: ranges,
                                                            unreadable: unreadable)
    }
}
