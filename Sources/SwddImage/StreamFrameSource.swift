import CZstd
import SwddEngine
import SwddSystem

/// Reads an image from a stream (a pipe: `ssh host cat IMAGE | swdd restore - TARGET`), frame by
/// frame in order: the header first, then each data frame — found by its own header, since a
/// stream has no seek table to look at first — and, at the end, the metadata. No pass over the
/// whole image can come before the first write here; each frame is checked by zstd's checksum
/// as it is decoded, and every block against the metadata's digests once it arrives.
final class StreamFrameSource: ChunkSource {
    private let input: FileDescriptor
    let header: ImageHeader
    /// An encrypted image's cipher (nil: plain frames).
    let cipher: FrameCipher?
    /// The metadata, once the stream has delivered it (at its end).
    private(set) var metadata: ImageMetadata?
    private let buffers: FrameBuffers
    private let staging: StagingBuffer
    /// Bytes of the stream consumed, for messages.
    private var streamOffset: Int64 = 0
    private var sourceOffset: Int64 = 0
    private var index = 0
    private let counters: TransferCounters?

    static let frameMagic: UInt32 = 0xFD2F_B528

    init(input: FileDescriptor, key: ImageKey?, counters: TransferCounters?) throws {
        self.input = input
        self.counters = counters
        let staging = StagingBuffer(input: input, capacity: 1 << 20)
        // The header frame: its magic, then its size, then the payload.
        guard (try? staging.need(8)) != nil, staging.u32(at: 0) == SkippableFrame.headerMagic else {
            throw ImageFormatError.notAnImage("the stream does not start with a swdd header")
        }
        let size = Int(staging.u32(at: 4))
        guard size < 1 << 20, (try? staging.need(8 + size)) != nil else { throw ImageFormatError.notAnImage("the stream's header frame is cut short") }
        header = try ImageHeader.decode(staging.bytes(8..<(8 + size)))
        cipher = try header.encryption?.cipher(imageID: header.imageID, key: key)
        guard header.kind == .full else {
            throw ImageFormatError.brokenChain("the stream's image is \(header.kind.name): its unchanged blocks live in its parent; restore it from its repository or from a file beside its parent")
        }
        staging.consume(8 + size)
        streamOffset = Int64(8 + size)
        let largest = max(ZstdCodec.bound(header.chunkSize), HandBuiltFrame.storedFrameSize(length: header.chunkSize)) + FrameCipher.overhead
        // Room for the largest frame and the largest skippable frame's start, plus reads.
        staging.grow(to: 2 * largest + (1 << 16))
        self.staging = staging
        buffers = FrameBuffers(capacity: largest)
    }

    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        while true {
            try need(4)
            let magic = staging.u32(at: 0)
            if magic == Self.frameMagic || magic == FrameCipher.sealedFrameMagic {
                // An encrypted image holds sealed frames only, a plain one zstd frames only.
                guard (magic == FrameCipher.sealedFrameMagic) == (cipher != nil) else {
                    throw ImageFormatError.damaged(offset: streamOffset, cipher == nil ? "a sealed frame in an image that is not encrypted"
                                                                                       : "a plain frame in an encrypted image")
                }
                let size: Int
                let length: UInt64
                if magic == FrameCipher.sealedFrameMagic {
                    // The sealed frame's head says its size and the bytes it holds.
                    try need(FrameCipher.headSize)
                    size = 8 + Int(staging.u32(at: 4))
                    length = UInt64(staging.u32(at: 8))
                    guard size <= staging.capacity else { throw ImageFormatError.damaged(offset: streamOffset, "a frame larger than the image's chunks allow") }
                    try need(size)
                } else {
                    size = try frameSize()
                    length = staging.withStart { ZSTD_getFrameContentSize($0, size) }
                }
                let buffer = try buffers.buffer(for: chunk)
                guard size <= buffer.capacity else { throw ImageFormatError.damaged(offset: streamOffset, "a frame larger than the image's chunks allow") }
                guard length != ZSTD_CONTENTSIZE_UNKNOWN, length != ZSTD_CONTENTSIZE_ERROR, length <= UInt64(header.chunkSize) else {
                    throw ImageFormatError.damaged(offset: streamOffset, "a frame without a valid content size")
                }
                staging.withStart { buffer.base.copyMemory(from: $0, byteCount: size) }
                consume(size)
                counters?.addRead(size)
                chunk.offset = sourceOffset
                chunk.attachments[StreamFrame.self] = StreamFrame(buffer: buffer, count: size, length: Int(length), index: index,
                                                                  streamOffset: streamOffset - Int64(size))
                chunk.annotation = FrameNumber(index: index)
                index += 1
                sourceOffset += Int64(length)
                return .more
            }
            guard SkippableFrame.isSkippable(magic) else {
                throw ImageFormatError.damaged(offset: streamOffset, "neither a zstd frame nor a skippable frame")
            }
            try need(8)
            let size = Int(staging.u32(at: 4))
            if 8 + size > staging.capacity { staging.grow(to: 8 + size) }
            try need(8 + size)
            let payload = staging.bytes(8..<(8 + size))
            let frameOffset = streamOffset
            consume(8 + size)
            if magic == SkippableFrame.metadataMagic {
                metadata = try ImageMetadata.decode(payload, offset: frameOffset, cipher: cipher)
            } else if magic == SkippableFrame.seekTableMagic {
                return .end  // the last frame of an image
            }
        }
    }

    /// The stream's total decoded size so far.
    var bytesDelivered: Int64 { sourceOffset }

    // MARK: - Staging

    private func need(_ count: Int) throws {
        do {
            try staging.need(count)
        } catch StagingBuffer.Shortage.ended {
            throw ImageFormatError.damaged(offset: streamOffset + Int64(staging.available), "the stream ended inside the image (it was cut short)")
        }
    }

    /// The size of the zstd frame at the start, reading more of the stream until it is whole.
    private func frameSize() throws -> Int {
        var wanted = 1 << 16
        while true {
            try? staging.need(min(wanted, staging.capacity))
            let available = staging.available
            let size = staging.withStart { ZSTD_findFrameCompressedSize($0, available) }
            if ZSTD_isError(size) == 0 { return size }
            if staging.ended && available < wanted {
                throw ImageFormatError.damaged(offset: streamOffset, "the stream ended inside a frame (it was cut short)")
            }
            guard wanted < staging.capacity else {
                throw ImageFormatError.damaged(offset: streamOffset, "a frame that does not end where zstd expects: \(String(cString: ZSTD_getErrorName(size)))")
            }
            wanted *= 2
        }
    }

    private func consume(_ count: Int) {
        staging.consume(count)
        streamOffset += Int64(count)
    }
}

/// The bytes read from a stream and not yet taken: reads go straight into the tail; what is
/// left is moved to the front only when the tail has no room for what is needed.
final class StagingBuffer {
    enum Shortage: Error { case ended, tooLarge }

    private let input: FileDescriptor
    private var storage: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private var start = 0
    private var end = 0
    private(set) var ended = false

    init(input: FileDescriptor, capacity: Int) {
        self.input = input
        self.capacity = capacity
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    deinit { storage.deallocate() }

    var available: Int { end - start }

    func grow(to size: Int) {
        guard size > capacity else { return }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        bigger.copyMemory(from: storage + start, byteCount: available)
        storage.deallocate()
        storage = bigger
        end = available
        start = 0
        capacity = size
    }

    /// Reads until `count` bytes are available; `.ended` if the stream ends first.
    func need(_ count: Int) throws(Shortage) {
        guard count <= capacity else { throw .tooLarge }
        while available < count {
            if ended { throw .ended }
            if capacity - start < count {
                (storage).copyMemory(from: storage + start, byteCount: available)
                end = available
                start = 0
            }
            let got = (try? input.read(into: UnsafeMutableRawBufferPointer(start: storage + end, count: capacity - end))) ?? 0
            if got == 0 { ended = true }
            end += got
        }
    }

    func consume(_ count: Int) { start += count }

    func u32(at offset: Int) -> UInt32 {
        UnsafeRawBufferPointer(start: storage + start, count: available).u32(at: offset)
    }

    func bytes(_ range: Range<Int>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: storage + start + range.lowerBound, count: range.count))
    }

    func withStart<T>(_ body: (UnsafeRawPointer) -> T) -> T { body(storage + start) }
}

/// A frame read from a stream, waiting to be decoded.
struct StreamFrame: Sendable {
    var buffer: AlignedBuffer
    var count: Int
    var length: Int
    var index: Int
    var streamOffset: Int64
}

/// The digests of the blocks a chunk decoded to, for the check at the end of a stream restore.
struct DecodedDigests: Sendable {
    var firstBlock: Int
    var digests: [[UInt8]]
}

/// The parallel stage of a stream restore: decompress (zstd checks each frame's checksum) and
/// digest the blocks, to be compared once the metadata arrives.
final class StreamDecodingStage: ChunkStage {
    private let header: ImageHeader
    private let cipher: FrameCipher?
    private let codec = ZstdCodec()
    private let zeroDigests: ZeroDigests

    init(header: ImageHeader, cipher: FrameCipher?) {
        self.header = header
        self.cipher = cipher
        zeroDigests = ZeroDigests(header.hash)
    }

    func process(_ chunk: Chunk) throws {
        guard let frame = chunk.attachments[StreamFrame.self] else { return }
        let n: Int
        do {
            n = try StoredFrame.decode(UnsafeRawBufferPointer(frame.buffer.slice(0, frame.count)),
                                       at: FramePosition(index: frame.index, sourceOffset: chunk.offset, length: frame.length),
                                       cipher: cipher, codec: codec, into: chunk.buffer.slice(0, chunk.capacity))
        } catch {
            throw ImageFormatError.damaged(offset: frame.streamOffset, "frame \(frame.index): \(error.reason)")
        }
        guard n == frame.length else { throw ImageFormatError.damaged(offset: frame.streamOffset, "a frame holds \(n) bytes, not \(frame.length)") }
        chunk.count = n
        var digests: [[UInt8]] = []
        var allZero = true
        var at = 0
        while at < n {
            let size = min(header.blockSize, n - at)
            if isAllZero(chunk.base + at, count: size) {
                digests.append(zeroDigests.digest(length: size))
            } else {
                allZero = false
                digests.append(header.hash.digest(UnsafeRawBufferPointer(start: chunk.base + at, count: size)))
            }
            at += size
        }
        chunk.attachments[DecodedDigests.self] = DecodedDigests(firstBlock: Int(chunk.offset / Int64(header.blockSize)), digests: digests)
        if allZero { chunk.markZero() }
    }
}

/// Around the sink of a stream restore: keeps every block's digest and, at the end, checks them
/// and the size against the metadata before the inner sink finishes (so a target held back by
/// `FirstChunkLastSink` never gets its first chunk when anything is wrong).
final class StreamCheckingSink: ChunkSink {
    private let inner: ChunkSink
    private let source: StreamFrameSource
    private var digests: [Int: [UInt8]] = [:]

    init(_ inner: ChunkSink, source: StreamFrameSource) {
        self.inner = inner
        self.source = source
    }

    var acceptsChunksOutOfOrder: Bool { inner.acceptsChunksOutOfOrder }

    func consume(_ chunk: Chunk) throws {
        if let decoded = chunk.attachments[DecodedDigests.self] {
            for (i, digest) in decoded.digests.enumerated() { digests[decoded.firstBlock + i] = digest }
        }
        try inner.consume(chunk)
    }

    func finish(inputError: (any Error)?) throws {
        if let inputError { throw inputError }
        guard let metadata = source.metadata else {
            throw ImageFormatError.damaged(offset: 0, "the stream ended before the image's metadata (it was cut short)")
        }
        guard metadata.sourceSize == source.bytesDelivered, metadata.blockCount == digests.count else {
            throw ImageFormatError.damaged(offset: 0, "the frames hold \(source.bytesDelivered) bytes, the metadata says \(metadata.sourceSize)")
        }
        for block in 0..<metadata.blockCount where digests[block].map({ $0[...] }) != metadata.digest(ofBlock: block) {
            throw ImageFormatError.damaged(offset: 0, "block \(block) does not match its \(metadata.hash.name) digest")
        }
        try inner.finish(inputError: nil)
    }
}

/// A restore from a stream, opened: its header is read (and checked) before anything is
/// written, so the caller can check the target against the layout it announces.
public final class StreamRestore {
    private let source: StreamFrameSource
    private let counters: TransferCounters

    /// `key`: an encrypted image's (its header, read here, says which it needs).
    public init(input: FileDescriptor, key: ImageKey? = nil, counters: TransferCounters) throws {
        source = try StreamFrameSource(input: input, key: key, counters: counters)
        self.counters = counters
    }

    public var header: ImageHeader { source.header }

    /// Decodes the stream onto `destination`; every block is checked against the metadata
    /// before the sink finishes. Returns the metadata.
    public func run(to destination: RestoreDestination, threads: Int) throws -> ImageMetadata {
        let inner: ChunkSink
        switch destination {
        case .positional(let descriptor, let zeros, let extendsFile, let firstChunkLast):
            let files = FileSink(descriptor: descriptor, zeros: zeros, extendsFile: extendsFile, syncsAtEnd: true, counters: counters)
            inner = firstChunkLast ? try FirstChunkLastSink(files, chunkSize: source.header.chunkSize) : files
        case .stream(let descriptor):
            inner = StreamSink(descriptor: descriptor, counters: counters)
        }
        let workers = max(1, threads)
        let pool = try ChunkPool(chunkCount: workers + 4, chunkSize: max(source.header.chunkSize, 4096), alignment: 4096)
        try Pipeline(pool: pool, source: source,
                     steps: [PipelineStep(StreamDecodingStage(header: source.header, cipher: source.cipher), threading: .parallel(workers: workers))],
                     sink: StreamCheckingSink(inner, source: source)).run()
        guard let metadata = source.metadata else { throw ImageFormatError.damaged(offset: 0, "no metadata") }
        return metadata
    }
}
