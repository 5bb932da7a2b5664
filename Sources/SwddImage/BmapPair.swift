import CZstd
import SwddEngine
import SwddSystem

/// A bmap file as bmaptool writes it (bmap 2.0: `ImageSize`, `BlockSize`, `ChecksumType`,
/// `BmapFileChecksum`, `<Range chksum="…"> first-last </Range>`), read for `swdd restore IMAGE
/// TARGET --bmap FILE` of bmaptool's own image + bmap pairs.
public struct ParsedBmap: Sendable {
    public struct Range: Sendable, Equatable {
        public var bytes: Swift.Range<Int64>
        public var checksum: String?
    }

    public var imageSize: Int64
    public var blockSize: Int64
    public var checksum: DigestAlgorithm
    public var ranges: [Range]

    public struct Invalid: Error, Equatable { public var reason: String }

    /// Parses and checks `text`: its own checksum, the sizes, every range inside the image.
    public static func parse(_ text: String) throws(Invalid) -> ParsedBmap {
        func field(_ name: String) -> String? {
            guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { return nil }
            return text[open.upperBound..<close.lowerBound].trimmingCharacters(in: " \n\t")
        }
        guard text.contains("<bmap version=\"2.") else { throw Invalid(reason: "not a bmap of format 2.x") }
        guard let size = field("ImageSize").flatMap({ Int64($0) }), let block = field("BlockSize").flatMap({ Int64($0) }), block > 0 else {
            throw Invalid(reason: "no ImageSize or BlockSize")
        }
        guard let type = field("ChecksumType"), let algorithm = DigestAlgorithm(rawValue: type) else {
            throw Invalid(reason: "an unknown ChecksumType")
        }
        if let own = field("BmapFileChecksum") {
            var digest = StreamDigest(algorithm)
            let zeroed = text.replacingOccurrences(of: own, with: String(repeating: "0", count: own.count))
            Array(zeroed.utf8).withUnsafeBytes { digest.update($0) }
            guard digest.hexDigest() == own else { throw Invalid(reason: "its BmapFileChecksum does not match") }
        }
        var ranges: [Range] = []
        var rest = text[...]
        while let open = rest.range(of: "<Range") {
            guard let end = rest.range(of: "</Range>", range: open.upperBound..<rest.endIndex),
                  let close = rest.range(of: ">", range: open.upperBound..<end.lowerBound) else { throw Invalid(reason: "a Range cut short") }
            let attributes = rest[open.upperBound..<close.lowerBound]
            var checksum: String?
            if let start = attributes.range(of: "chksum=\""), let stop = attributes.range(of: "\"", range: start.upperBound..<attributes.endIndex) {
                checksum = String(attributes[start.upperBound..<stop.lowerBound])
            }
            let span = rest[close.upperBound..<end.lowerBound].trimmingCharacters(in: " \n\t").split(separator: "-")
            guard let first = span.first.flatMap({ Int64($0) }), let last = (span.count > 1 ? span[1] : span[0]).description.int64,
                  first <= last, first * block < size else { throw Invalid(reason: "a Range outside the image") }
            ranges.append(Range(bytes: (first * block)..<min(size, (last + 1) * block), checksum: checksum))
            rest = rest[end.upperBound...]
        }
        return ParsedBmap(imageSize: size, blockSize: block, checksum: algorithm, ranges: ranges)
    }

    /// Where bmaptool finds the bmap of `image`: `IMAGE.bmap`, then one extension off at a time.
    public static func discover(forImage image: String) -> String? {
        var base = image
        while true {
            if FileSystemPath.exists(base + ".bmap") { return base + ".bmap" }
            guard let dot = base.lastIndex(of: "."), !base[dot...].contains("/") else { return nil }
            base = String(base[..<dot])
        }
    }
}

private extension String {
    var int64: Int64? { Int64(self) }
    func trimmingCharacters(in set: String) -> String {
        String(self.drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let found = rest.range(of: target) {
            result += rest[..<found.lowerBound]
            result += replacement
            rest = rest[found.upperBound...]
        }
        return result + rest
    }
}

/// A bmap range whose bytes in the image do not match its checksum.
public struct BmapRangeMismatch: Error, Equatable, Sendable {
    public var range: Swift.Range<Int64>
}

/// An ordered stage that checks, as the image streams past, each bmap range's checksum.
final class BmapRangeChecker: ChunkStage, @unchecked Sendable {
    private let bmap: ParsedBmap
    private var next = 0
    private var digest: StreamDigest?

    init(_ bmap: ParsedBmap) { self.bmap = bmap }


    func process(_ chunk: Chunk) throws {
        chunk.materializeZeros()
        let span = chunk.offset..<(chunk.offset + Int64(chunk.count))
        while next < bmap.ranges.count {
            let range = bmap.ranges[next]
            // Ranges come in order and every chunk does too, so one behind the chunk is done.
            if range.checksum == nil || range.bytes.upperBound <= span.lowerBound {
                next += 1
                continue
            }
            if range.bytes.lowerBound >= span.upperBound { return }
            let low = max(range.bytes.lowerBound, span.lowerBound), high = min(range.bytes.upperBound, span.upperBound)
            if digest == nil { digest = StreamDigest(bmap.checksum) }
            digest?.update(UnsafeRawBufferPointer(start: chunk.base + Int(low - span.lowerBound), count: Int(high - low)))
            guard high == range.bytes.upperBound else { return }  // the range goes on in the next chunk
            if digest?.hexDigest() != range.checksum { throw BmapRangeMismatch(range: range.bytes) }
            digest = nil
            next += 1
        }
    }
}

/// Decompresses a zstd stream (bmaptool's `IMAGE.zst`) into whole chunks, in order.
final class ZstdStreamSource: ChunkSource {
    private let input: FileDescriptor
    private let context: OpaquePointer
    private var inBuffer: [UInt8] = Array(repeating: 0, count: 1 << 17)
    private var inPosition = 0
    private var inEnd = 0
    private var offset: Int64 = 0
    private var ended = false

    init(input: FileDescriptor) throws {
        self.input = input
        guard let context = ZSTD_createDStream() else { throw SystemError("ZSTD_createDStream", code: .noMemory) }
        self.context = context
        ZSTD_initDStream(context)
    }

    deinit { ZSTD_freeDStream(context) }

    struct Failure: Error { var reason: String }

    var bytesDelivered: Int64 { offset }

    func fill(_ chunk: Chunk, context _: ReaderContext) throws -> FillResult {
        chunk.offset = offset
        while chunk.freeSpace > 0 {
            if inPosition == inEnd {
                if ended { break }
                inEnd = try inBuffer.withUnsafeMutableBytes { try input.read(into: $0) }
                inPosition = 0
                if inEnd == 0 { ended = true; break }
            }
            var output = ZSTD_outBuffer(dst: chunk.base + chunk.count, size: chunk.freeSpace, pos: 0)
            let result = inBuffer.withUnsafeBytes { bytes -> Int in
                var input = ZSTD_inBuffer(src: bytes.baseAddress!, size: inEnd, pos: inPosition)
                let r = ZSTD_decompressStream(context, &output, &input)
                inPosition = input.pos
                return r
            }
            if ZSTD_isError(result) != 0 { throw Failure(reason: String(cString: ZSTD_getErrorName(result))) }
            chunk.count += output.pos
        }
        if chunk.count > 0 && isAllZero(chunk.base, count: chunk.count) { chunk.markZero() }
        offset += Int64(chunk.count)
        return ended && inPosition == inEnd ? .end : .more
    }
}

/// `swdd restore IMAGE TARGET --bmap F` for bmaptool's pairs: the image (raw, `.zst`, or `.gz`,
/// `.xz`, `.bz2` through the system's decompressor) is restored byte for byte — holes and zero
/// chunks by the target's zero policy — while every range the bmap lists is checked against its
/// checksum as it passes.
public enum BmapPairRestore {
    /// Reads and checks the whole pair, writing nothing (the check before writing an existing
    /// target; a decompressor runs once for it and once more for the restore).
    public static func check(image: FileDescriptor, compression: BmapImageCompression, bmap: ParsedBmap, counters: TransferCounters) throws {
        try run(image: image, compression: compression, bmap: bmap, sink: NullSink(counters: counters), counters: counters)
    }

    public static func run(image: FileDescriptor, compression: BmapImageCompression, bmap: ParsedBmap, to destination: RestoreDestination,
                           counters: TransferCounters) throws {
        let sink: ChunkSink
        switch destination {
        case .positional(let descriptor, let zeros, let extendsFile, let firstChunkLast):
            let files = FileSink(descriptor: descriptor, zeros: zeros, extendsFile: extendsFile, syncsAtEnd: true, counters: counters)
            sink = firstChunkLast ? try FirstChunkLastSink(files, chunkSize: 1 << 20) : files
        case .stream(let descriptor):
            sink = StreamSink(descriptor: descriptor, counters: counters)
        }
        try run(image: image, compression: compression, bmap: bmap, sink: sink, counters: counters)
    }

    private static func run(image: FileDescriptor, compression: BmapImageCompression, bmap: ParsedBmap, sink: ChunkSink,
                            counters: TransferCounters) throws {
        try image.seek(offset: 0, from: .start)
        let source: ChunkSource
        let delivered: () -> Int64?
        var decompressor: DecompressorSource?
        switch compression {
        case .none:
            source = ExtentSource(descriptor: image, range: 0..<bmap.imageSize, seeksHoles: true, detectsZeros: true, counters: counters)
            delivered = { nil }
        case .zstd:
            let stream = try ZstdStreamSource(input: image)
            source = stream
            delivered = { stream.bytesDelivered }
        case .decompressor(let arguments):
            let child = try DecompressorSource(arguments, input: image, counters: counters)
            decompressor = child
            source = child
            delivered = { child.bytesDelivered }
        }
        let pool = try ChunkPool(chunkCount: 4, chunkSize: 1 << 20, alignment: 4096)
        do {
            try Pipeline(pool: pool, source: source, steps: [PipelineStep(BmapRangeChecker(bmap), threading: .ordered)], sink: sink).run()
        } catch {
            decompressor?.stop()
            throw error
        }
        if let bytes = delivered(), bytes != bmap.imageSize {
            throw ParsedBmap.Invalid(reason: "the image holds \(bytes) bytes, its bmap says \(bmap.imageSize)")
        }
    }
}
