import SwddEngine
import SwddSystem

/// How an image is made.
public struct ImageOptions: Sendable {
    /// zstd level (negative levels are zstd's fast ones).
    public var level: Int32 = 1
    /// Frames of raw blocks, no compressor.
    public var store = false
    /// Bytes per frame: 1–4 MiB, a multiple of `blockSize`.
    public var chunkSize = 1 << 20
    /// Bytes per hashed block of the block map.
    public var blockSize = 1 << 20
    /// Compression workers.
    public var threads = ProcessorCount.online
    public var hash: BlockHashAlgorithm = .xxh3_128
    /// Also compute a bmap (SHA-256 of every mapped range; see `BmapFile`).
    public var bmap = false
    /// Past unreadable sectors: zeros stored, the ranges recorded (a positional source only).
    public var keepGoing = false
    /// An incremental or differential image: the image it descends from (only its metadata is
    /// read). Chunk size, block size and digest are the parent's.
    public var parent: (metadata: ImageMetadata, kind: ImageKind)?
    /// The image's id (random when nil).
    public var imageID: [UInt8]?
    /// Its creation time, seconds since the epoch (now when nil).
    public var created: Int64?
    /// `--used`: bytes the source's filesystems mark free (sorted, disjoint). Whole blocks
    /// inside them are not read and are recorded unused; a positional source only.
    public var freeRanges: [Range<Int64>] = []
    /// `--used`: the filesystems examined, recorded in the metadata.
    public var filesystems: [FilesystemRecord] = []
    /// `--encrypt KEYFILE`: every frame and the metadata sealed with a key derived from it
    /// (an incremental or differential image must have its parent's key).
    public var encryption: ImageKey?

    public init() {}
}

/// What to image.
public enum ImageInput {
    /// A range of a regular file or block device (all of it, or dd's skip= and count=), read at
    /// offsets; holes are looked for in regular files.
    case range(FileDescriptor, Range<Int64>, isRegularFile: Bool)
    /// A stream (standard input), read to its end.
    case stream(FileDescriptor)
}

/// What an image run did, for the final line and `--json`.
public struct ImageSummary: Sendable {
    public var sourceSize: Int64
    public var bytesRead: Int64
    public var bytesStored: Int64
    public var frames: Int
    public var dataBlocks: Int
    public var zeroBlocks: Int
    /// Blocks left to the parent (incremental and differential images).
    public var inheritedBlocks: Int
    /// Free blocks of the source's filesystems, never read (`--used`).
    public var unusedBlocks: Int = 0
    public var blockSize: Int
    public var kind: ImageKind
    public var imageID: String
    public var elapsedNanoseconds: UInt64
    /// With `ImageOptions.bmap`: the bmap of the source, to write beside the image.
    public var bmap: BmapFile?
    /// Source ranges that could not be read (`keepGoing`): zeros were stored there.
    public var unreadable: [(offset: Int64, length: Int64)] = []
}

/// `swdd image` as a plan on the engine: a source (extents or a stream), the parallel encoding
/// stage, and the image sink; the image becomes visible only when complete (`ImageOutput`).
public enum ImageWriter {
    /// - Parameter hold: held while the source is read, released after its last chunk (a
    ///   file system freeze: `--freeze`).
    /// - Parameter resuming: the frames an interrupted upload already holds (`output` appends
    ///   to it): the source is read from its start all the same, but those frames' blocks are
    ///   hashed and checked against the records (`ResumedBlocksChanged` when one differs), not
    ///   encoded or sent.
    public static func write(_ input: ImageInput, to output: ImageOutput, options: ImageOptions, identity: SourceIdentity,
                             sectorSize: Int, counters: TransferCounters, hold: ReadingHold? = nil,
                             resuming: UploadProgress? = nil) throws -> ImageSummary {
        let start = MonotonicClock.now()
        let options = effective(options)
        let kind = options.parent?.kind ?? .full
        var source: ChunkSource
        var announced: Int64 = 0
        switch input {
        case .range(let descriptor, let range, let isRegularFile):
            announced = range.upperBound - range.lowerBound
            let unused = UnusedBlocks.wholeBlocks(in: options.freeRanges, blockSize: options.blockSize, sourceSize: range.upperBound)
            source = ExtentSource(descriptor: descriptor, range: range, seeksHoles: isRegularFile, detectsZeros: true,
                                  keepsGoing: options.keepGoing, skipping: unused, counters: counters)
        case .stream(let descriptor):
            source = StreamSource(descriptor: descriptor, detectsZeros: true, handsOverEarly: false, counters: counters)
        }
        if let hold { source = HeldSource(source, hold: hold) }
        let id = options.imageID ?? newImageID()
        let header = makeHeader(options, id: id, sectorSize: sectorSize, announcedSourceSize: announced)
        if let resuming, resuming.header != header.encoded() {
            throw ImageFormatError.damaged(offset: 0, "the interrupted upload's header is not this image's")
        }
        var metadata = ImageMetadata(hash: options.hash, chunkSize: options.chunkSize, blockSize: options.blockSize,
                                     sectorSize: sectorSize, sourceSize: 0, imageID: id, created: options.created ?? WallClock.secondsSinceEpoch(),
                                     source: identity)
        metadata.filesystems = options.filesystems
        if let parent = options.parent?.metadata {
            metadata.kind = kind
            metadata.parentID = parent.imageID
        }
        let cipher = options.encryption?.cipher(forImage: id)
        let sink = ImageSink(output: output, header: header, metadata: metadata, cipher: cipher, counters: counters, resumed: resuming)
        let stage = FrameEncodingStage(codec: options.store ? nil : ZstdCodec(level: options.level), hash: options.hash,
                                       chunkSize: options.chunkSize, blockSize: options.blockSize, bmap: options.bmap,
                                       parent: options.parent?.metadata, encodesFrom: resuming?.sourceBytes ?? 0, cipher: cipher)
        let workers = max(1, options.threads)
        // Each worker holds a chunk, the reader one, the sink one, and one waits in each queue.
        let pool = try ChunkPool(chunkCount: workers + 4, chunkSize: options.chunkSize, alignment: 4096)
        try Pipeline(pool: pool, source: source, steps: [PipelineStep(stage, threading: .parallel(workers: workers))], sink: sink).run()
        let final = sink.finalMetadata
        if let parent = options.parent?.metadata, final.sourceSize != parent.sourceSize {
            throw ImageFormatError.damaged(offset: 0, "the source held \(final.sourceSize) bytes, its parent image \(parent.sourceSize)")
        }
        return ImageSummary(sourceSize: final.sourceSize, bytesRead: counters.bytesRead, bytesStored: sink.bytesStored,
                            frames: final.blockStates.isEmpty ? 0 : (Int(final.sourceSize) + options.chunkSize - 1) / options.chunkSize,
                            dataBlocks: final.blockStates.filter { $0 == .data }.count,
                            zeroBlocks: final.blockStates.filter { $0 == .zero }.count,
                            inheritedBlocks: final.blockStates.filter { $0 == .inherited }.count,
                            unusedBlocks: final.blockStates.filter { $0 == .unused }.count,
                            blockSize: final.blockSize, kind: kind,
                            imageID: hex(id), elapsedNanoseconds: MonotonicClock.now() - start,
                            bmap: options.bmap ? BmapFile(imageSize: final.sourceSize, ranges: sink.bmapRanges) : nil,
                            unreadable: final.unreadable)
    }

    /// The options an image is written with: an incremental or differential image's blocks are
    /// compared with its parent's, block for block, so it takes the parent's grid and digest.
    public static func effective(_ options: ImageOptions) -> ImageOptions {
        var options = options
        if let parent = options.parent?.metadata {
            options.chunkSize = parent.chunkSize
            options.blockSize = parent.blockSize
            options.hash = parent.hash
        }
        return options
    }

    /// The header frame of an image of a positional source of `sourceSize` bytes (what an
    /// upload that may be continued records before it starts).
    public static func header(_ options: ImageOptions, id: [UInt8], sectorSize: Int, sourceSize: Int64) -> [UInt8] {
        makeHeader(effective(options), id: id, sectorSize: sectorSize, announcedSourceSize: sourceSize).encoded()
    }

    private static func makeHeader(_ options: ImageOptions, id: [UInt8], sectorSize: Int, announcedSourceSize: Int64) -> ImageHeader {
        var header = ImageHeader(hash: options.hash, chunkSize: options.chunkSize, blockSize: options.blockSize,
                                 sectorSize: sectorSize, announcedSourceSize: announcedSourceSize, imageID: id)
        if let parent = options.parent {
            header.kind = parent.kind
            header.parentID = parent.metadata.imageID
        }
        header.encryption = options.encryption.map { ImageEncryption(keyID: $0.id) }
        return header
    }

    /// 16 random bytes.
    public static func newImageID() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
