import SwddEngine
import SwddSystem

/// A difference between a target and the image it should hold.
public struct TargetMismatch: Error, Equatable, Sendable {
    /// The first block that differs, and where it starts.
    public var block: Int
    public var offset: Int64
}

/// The parallel stage of `verify IMAGE TARGET` and `restore --verify`: hashes each block the
/// target holds and compares it with the digest the image recorded. Holes and zero chunks are
/// compared with the digest of zeros, which is never computed twice. Unused blocks (free space
/// of a `--used` image's filesystems) are neither read nor compared: any bytes may stand there.
final class TargetComparisonStage: ChunkStage {
    private let metadata: ImageMetadata
    private let zeroDigests: ZeroDigests

    init(metadata: ImageMetadata) {
        self.metadata = metadata
        zeroDigests = ZeroDigests(metadata.hash)
    }

    func process(_ chunk: Chunk) throws {
        let blockSize = metadata.blockSize
        var start = 0
        while start < chunk.length {
            let block = Int((chunk.offset + Int64(start)) / Int64(blockSize))
            let n = min(blockSize, chunk.length - start)
            let expected = metadata.digest(ofBlock: block)
            let matches: Bool
            let state = metadata.blockStates[block]
            if state == .unused {
                start += n
                continue
            }
            // Every block's digest is recorded, inherited ones too (an incremental image carries
            // the whole disk's), so a target is compared with the restore point it should hold.
            if chunk.kind != .data || isAllZero(chunk.base + start, count: n) {
                matches = state == .zero || zeroDigests.digest(length: n)[...] == expected
            } else {
                matches = state != .zero && metadata.hash.digest(UnsafeRawBufferPointer(start: chunk.base + start, count: n))[...] == expected
            }
            if !matches { throw TargetMismatch(block: block, offset: Int64(block) * Int64(blockSize)) }
            start += n
        }
    }
}

extension ImageRestorer {
    /// Reads the first `metadata.sourceSize` bytes of `target` and checks every block against the
    /// image's digests; writes nothing. `readAlignment` is the sector size when `target` is open
    /// with `O_DIRECT` (a read-back that bypasses the page cache).
    public static func compare(_ metadata: ImageMetadata, target: FileDescriptor, isRegularFile: Bool, readAlignment: Int = 1,
                               threads: Int, counters: TransferCounters) throws {
        let source = ExtentSource(descriptor: target, range: 0..<metadata.sourceSize, seeksHoles: isRegularFile, detectsZeros: true,
                                  readAlignment: readAlignment, skipping: metadata.unusedRanges, counters: counters)
        let workers = max(1, threads)
        // Chunks on the image's block grid, so no block straddles two chunks.
        let pool = try ChunkPool(chunkCount: workers + 4, chunkSize: max(metadata.chunkSize, metadata.blockSize), alignment: 4096)
        try Pipeline(pool: pool, source: source,
                     steps: [PipelineStep(TargetComparisonStage(metadata: metadata), threading: .parallel(workers: workers))],
                     sink: NullSink(counters: counters)).run()
    }
}
