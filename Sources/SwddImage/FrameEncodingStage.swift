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

/// Frame buffers per chunk of the pool, made on first use and kept: a chunk holds at most one
/// frame per slot at a time (slots: the images of a chain a chunk's blocks come from), so
/// memory stays at the pool's size times the slots used, plus one.
final class FrameBuffers: Sendable {
    private struct Key: Hashable {
        var chunk: ObjectIdentifier
        var slot: Int
    }

    private let capacity: Int
    private let buffers = Mutex<[Key: AlignedBuffer]>([:])

    init(capacity: Int) { self.capacity = capacity }

    func buffer(for chunk: Chunk, slot: Int = 0) throws(SystemError) -> AlignedBuffer {
        let key = Key(chunk: ObjectIdentifier(chunk), slot: slot)
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
    /// An incremental or differential image's parent: a block whose digest equals the one the
    /// parent recorded is inherited, not stored (the parent's data is never read).
    private let parent: ImageMetadata?
    private let sourceFoundZeroChunks: Bool
    /// Chunks before this source offset (the frames an interrupted upload already holds) are
    /// hashed, not encoded: their states and digests are checked against the recorded ones.
    private let encodesFrom: Int64
    /// An encrypted image's cipher: every frame is sealed, zero frames too (a sealed zero frame
    /// is as small as ever, so the seek table's sizes tell no more than they did).
    private let cipher: FrameCipher?
    private let chunkSize: Int

    /// `codec` nil stores frames uncompressed; `bmap` also computes the bmap's ranges.
    /// `sourceFoundZeroChunks`: the source checks every chunk it reads for zeros and marks an
    /// all-zero one `.zero` (`ExtentSource` and `StreamSource` with `detectsZeros`, as `image`
    /// builds them), so a block that is the whole of a `.data` chunk is known to hold data and is
    /// not scanned a second time — a scan that reads the whole chunk when its data starts late.
    init(codec: ZstdCodec?, hash: BlockHashAlgorithm, chunkSize: Int, blockSize: Int, bmap: Bool = false,
         parent: ImageMetadata? = nil, sourceFoundZeroChunks: Bool = true, encodesFrom: Int64 = 0, cipher: FrameCipher? = nil) {
        self.codec = codec
        self.cipher = cipher
        self.chunkSize = chunkSize
        self.encodesFrom = encodesFrom
        self.sourceFoundZeroChunks = sourceFoundZeroChunks
        self.mapsForBmap = bmap
        self.parent = parent
        self.hash = hash
        self.blockSize = blockSize
        zeroDigests = ZeroDigests(hash)
        frameBuffers = FrameBuffers(capacity: max(ZstdCodec.bound(chunkSize), HandBuiltFrame.storedFrameSize(length: chunkSize))
                                    + (cipher == nil ? 0 : FrameCipher.overhead))
    }

    func process(_ chunk: Chunk) throws {
        let length = chunk.length
        var states: [BlockState] = []
        var digests: [UInt8] = []
        var allZero = chunk.kind != .data
        let unreadable = chunk.attachments[UnreadableRanges.self]?.ranges ?? []
        let skipped = chunk.attachments[SkippedRanges.self]
        var start = 0
        while start < length {
            let n = min(blockSize, length - start)
            let blockRange = (chunk.offset + Int64(start))..<(chunk.offset + Int64(start + n))
            if let skipped, skipped.covers(blockRange) {
                // Free space, never read (`--used`): whatever the parent held there.
                states.append(.unused)
                digests += zeroDigests.digest(length: n)
            } else if unreadable.contains(where: { $0.overlaps(blockRange) }) {
                // Zeros stand in for what could not be read; the digest is of the bytes stored.
                states.append(.unreadable)
                digests += hash.digest(UnsafeRawBufferPointer(start: chunk.base + start, count: n))
            } else if chunk.kind == .data && (n == length && sourceFoundZeroChunks || !isAllZero(chunk.base + start, count: n)) {
                let digest = hash.digest(UnsafeRawBufferPointer(start: chunk.base + start, count: n))
                states.append(isUnchanged(block: Int(blockRange.lowerBound / Int64(blockSize)), digest: digest) ? .inherited : .data)
                digests += digest
            } else {
                states.append(.zero)
                digests += zeroDigests.digest(length: n)
            }
            start += n
        }
        if chunk.offset < encodesFrom {
            chunk.attachments[EncodedFrame.self] = EncodedFrame(buffer: nil, count: 0, states: states, digests: digests, unreadable: unreadable)
            return
        }
        if chunk.kind == .data { allZero = !states.contains(.data) && !states.contains(.unreadable) }
        if allZero {
            // Zeros and inherited blocks only: the frame is the zero frame (inherited blocks
            // read as zeros in an incremental image; their bytes live in the parent).
            var frame = zeroFrames.frame(length: length)
            if let cipher {
                var sealed = [UInt8](repeating: 0, count: frame.count + FrameCipher.overhead)
                let count = try frame.withUnsafeBytes { plain in
                    try sealed.withUnsafeMutableBytes { try cipher.sealFrame(plain, at: position(of: chunk), into: $0) }
                }
                frame = Array(sealed.prefix(count))
            }
            chunk.attachments[EncodedFrame.self] = EncodedFrame(buffer: nil, shared: frame, count: frame.count, states: states, digests: digests,
                                                                unreadable: unreadable)
            return
        }
        // Inherited blocks are stored as zeros, which cost the compressor next to nothing.
        for (index, state) in states.enumerated() where state == .inherited {
            let at = index * blockSize
            (chunk.base + at).initializeMemory(as: UInt8.self, repeating: 0, count: min(blockSize, length - at))
        }
        let buffer = try frameBuffers.buffer(for: chunk)
        var count: Int
        if let codec {
            // Incompressible data needs no second pass: libzstd itself falls back to raw blocks
            // wherever compressing gains nothing, and its frame is then at most a few header
            // bytes longer than one built by hand — which would copy and checksum the chunk
            // again (a fifth of `image`'s CPU on random data).
            count = try codec.compress(chunk.bytes, into: buffer.bytes)
        } else {
            count = HandBuiltFrame.writeStoredFrame(chunk.bytes, to: buffer.base)
        }
        if let cipher {
            // Sealed into the same buffer: the ciphertext is made apart from it, then copied in.
            count = try cipher.sealFrame(UnsafeRawBufferPointer(buffer.slice(0, count)), at: position(of: chunk), into: buffer.bytes)
        }
        let ranges = mapsForBmap ? BmapFile.ranges(of: chunk.bytes, at: chunk.offset) : []
        chunk.attachments[EncodedFrame.self] = EncodedFrame(buffer: buffer, count: count, states: states, digests: digests, bmapRanges: ranges,
                                                            unreadable: unreadable)
    }

    /// Where the chunk's frame sits: frames lie on the chunk grid.
    private func position(of chunk: Chunk) -> FramePosition {
        FramePosition(index: Int(chunk.offset / Int64(chunkSize)), sourceOffset: chunk.offset, length: chunk.length)
    }

    /// Whether the parent recorded this very block: same digest, and the parent held data there
    /// (its digests cover every block of the disk, inherited ones included).
    private func isUnchanged(block: Int, digest: [UInt8]) -> Bool {
        guard let parent, block < parent.blockCount, [.data, .inherited].contains(parent.blockStates[block]) else { return false }
        return parent.digest(ofBlock: block).elementsEqual(digest)
    }
}
