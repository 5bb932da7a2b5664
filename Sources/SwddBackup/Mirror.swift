import SwddEngine
import SwddImage
import SwddSystem

/// `swdd mirror` as two plans on the engine. The first pass reads the source (`ExtentSource`:
/// holes never read, zero chunks marked), has `MirrorComparisonStage` read the same range of the
/// target and compare, and writes only what differs (`FileSink`: unchanged chunks skipped, zero
/// ranges punched on a file or zeroed on a device; a differing first chunk last), then syncs.
/// The read-back reads the written chunks again past the page cache and checks them against
/// the digests the first pass recorded.
///
/// Mechanism only: which targets may be written (mounted, too small, another sector size) is
/// the command line's decision, made before this runs.
public enum Mirror {
    /// 1 MiB: the grain of change tracking (changes on a disk are scattered; a changed 4 KiB
    /// block costs one 1 MiB write), and still large enough that a read costs little per byte.
    public static let chunkSize = 1 << 20

    /// The first pass, plus what it wrote, for `verify`.
    public struct Pass: Sendable {
        let written: [MirrorWriteLog.Entry]
    }

    /// Makes the target's first `source.size` bytes equal to the source's, writing only the
    /// chunks that differ; a regular file target is first given exactly the source's size.
    /// `transfer` counts the sink's work (written, skipped), for the progress line.
    public static func copy(_ source: MirrorSide, onto target: MirrorSide, threads: Int,
                            counters: MirrorCounters, transfer: TransferCounters) throws -> Pass {
        guard let writer = target.writer else { throw SystemError("write", path: target.path, code: .badFileDescriptor) }
        if target.isRegularFile && target.size != source.size { try writer.truncate(to: source.size) }
        let workers = max(1, threads)
        let log = MirrorWriteLog()
        let reader = ExtentSource(descriptor: source.reader, range: 0..<source.size, seeksHoles: source.isRegularFile, detectsZeros: true,
                                  readAlignment: source.readAlignment, counters: transfer)
        let compare = MirrorComparisonStage(target: target, chunkSize: chunkSize, log: log, counters: counters)
        let files = FileSink(descriptor: writer, zeros: target.isRegularFile ? .punchHoles : .zeroOutDevice, extendsFile: false,
                             syncsAtEnd: true, counters: transfer)
        // A mirror that stops part-way must not look complete: the partition table or superblock
        // in the first chunk, when it differs, is written after everything else is on the disk.
        let sink = try FirstChunkLastSink(files, chunkSize: chunkSize)
        try Pipeline(pool: try pool(workers), source: reader, steps: [PipelineStep(compare, threading: .parallel(workers: workers))],
                     sink: sink).run()
        return Pass(written: log.inOffsetOrder)
    }

    /// Reads back every chunk `pass` wrote and checks it holds what was written: from the device
    /// (`O_DIRECT`), or from a file whose cached pages of those chunks were dropped first. Throws
    /// `MirrorError.readBackMismatch` at the first chunk that does not.
    public static func verify(_ pass: Pass, target: MirrorSide, threads: Int, counters: MirrorCounters,
                              transfer: TransferCounters) throws {
        guard !pass.written.isEmpty else { return }
        if target.isRegularFile { dropCachedPages(of: pass.written, in: target.reader) }
        let workers = max(1, threads)
        try Pipeline(pool: try pool(workers), source: MirrorReadBackSource(target: target, entries: pass.written),
                     steps: [PipelineStep(MirrorVerificationStage(targetPath: target.path, counters: counters), threading: .parallel(workers: workers))],
                     sink: NullSink(counters: transfer)).run()
    }

    /// Drops the page cache of the written ranges only (runs of adjacent chunks as one call):
    /// the rest of the file stays cached, so the next mirror's comparison does not read it cold.
    private static func dropCachedPages(of entries: [MirrorWriteLog.Entry], in file: FileDescriptor) {
        var run: Range<Int64>?
        for entry in entries {
            let range = entry.offset..<(entry.offset + Int64(entry.length))
            if let current = run, current.upperBound == range.lowerBound {
                run = current.lowerBound..<range.upperBound
                continue
            }
            if let current = run { file.dropCache(offset: current.lowerBound, length: current.upperBound - current.lowerBound) }
            run = range
        }
        if let current = run { file.dropCache(offset: current.lowerBound, length: current.upperBound - current.lowerBound) }
    }

    /// Bytes the read-back will read.
    public static func bytesToVerify(_ pass: Pass) -> Int64 {
        pass.written.reduce(0) { $0 + Int64($1.length) }
    }

    /// A chunk for every worker, one being read and a few in the sink's hands.
    static func pool(_ workers: Int) throws -> ChunkPool {
        try ChunkPool(chunkCount: workers + 4, chunkSize: chunkSize, alignment: max(4096, AlignedBuffer.pageSize))
    }
}
