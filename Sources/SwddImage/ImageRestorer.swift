import SwddEngine
import SwddSystem

/// Where a restore writes.
public enum RestoreDestination {
    /// A regular file or block device, written at offsets; zero blocks by `zeros`. `extendsFile`
    /// gives a regular file the image's full size; `firstChunkLast` holds the first chunk (the
    /// partition table, the superblock) back until everything else is written, so a target
    /// left half-written never looks complete.
    case positional(FileDescriptor, zeros: ZeroPolicy, extendsFile: Bool, firstChunkLast: Bool)
    /// A stream (standard output), in order, zeros written out.
    case stream(FileDescriptor)
}

/// `swdd restore` and `swdd verify` as plans on the engine: the frame source, the parallel
/// decoding stage (which checks every block's digest), and a file, stream or null sink. A
/// restore point is one image, or an image and the parents it inherits blocks from.
public enum ImageRestorer {
    /// Reads every frame of one image and checks every block it holds; writes nothing.
    public static func verify(_ image: RestorePoint.Member, threads: Int, counters: TransferCounters) throws {
        let point = RestorePoint(standalone: image)
        let source = FrameSource(point: point, reading: .everyFrameOfTop, counters: counters)
        try run(point, source: source, sink: NullSink(counters: counters), threads: threads)
    }

    /// Reads and checks everything a restore of `point` would write, writing nothing: the pass
    /// before the first write to an existing target.
    public static func check(_ point: RestorePoint, threads: Int, counters: TransferCounters) throws {
        try point.checkComplete()
        let source = FrameSource(point: point, reading: .restore, counters: counters)
        try run(point, source: source, sink: NullSink(counters: counters), threads: threads)
    }

    /// `zeroesUnused`: unused blocks (`--used` images) are written as zeros; otherwise a chunk of
    /// unused blocks only is not written at all (a new file keeps a hole there).
    public static func restore(_ point: RestorePoint, to destination: RestoreDestination, zeroesUnused: Bool = false, threads: Int,
                               counters: TransferCounters) throws {
        try point.checkComplete()
        let source = FrameSource(point: point, reading: .restore, zeroesUnused: zeroesUnused, counters: counters)
        switch destination {
        case .positional(let descriptor, let zeros, let extendsFile, let firstChunkLast):
            let files = FileSink(descriptor: descriptor, zeros: zeros, extendsFile: extendsFile, syncsAtEnd: true, counters: counters)
            let sink: ChunkSink = firstChunkLast ? try FirstChunkLastSink(files, chunkSize: point.metadata.chunkSize) : files
            try run(point, source: source, sink: sink, threads: threads)
        case .stream(let descriptor):
            try run(point, source: source, sink: StreamSink(descriptor: descriptor, counters: counters), threads: threads)
        }
    }

    private static func run(_ point: RestorePoint, source: FrameSource, sink: ChunkSink, threads: Int) throws {
        let workers = max(1, threads)
        let pool = try ChunkPool(chunkCount: workers + 4, chunkSize: max(point.metadata.chunkSize, 4096), alignment: 4096)
        try Pipeline(pool: pool, source: source, steps: [PipelineStep(FrameDecodingStage(point: point), threading: .parallel(workers: workers))],
                     sink: sink).run()
    }
}

/// Holds the chunk at offset 0 back and writes it after every other chunk, at `finish`, so a
/// target whose writing stopped part-way never looks complete (restore; mirror in place). A
/// first chunk the target already holds (`UnchangedAtTarget`) is not held: nothing is written.
public final class FirstChunkLastSink: ChunkSink {
    private let inner: FileSink
    private let held: Chunk
    private var holding = false

    public init(_ inner: FileSink, chunkSize: Int) throws(SystemError) {
        self.inner = inner
        guard let buffer = AlignedBuffer(capacity: max(chunkSize, 4096), alignment: 4096) else {
            throw SystemError("allocating the first chunk's buffer", code: .noMemory)
        }
        held = Chunk(buffer: buffer)
    }

    public var acceptsChunksOutOfOrder: Bool { true }

    public func consume(_ chunk: Chunk) throws {
        guard chunk.offset == 0, chunk.attachments[UnchangedAtTarget.self] == nil else { return try inner.consume(chunk) }
        held.reset()
        if chunk.kind == .hole {
            held.markHole(at: 0, length: chunk.length)
        } else {
            held.base.copyMemory(from: chunk.base, byteCount: chunk.count)
            held.count = chunk.count
            if chunk.kind == .zero { held.markZero() }
        }
        holding = true
    }

    public func finish(inputError: (any Error)?) throws {
        if let inputError { throw inputError }
        // Everything else reaches the disk before the chunk that makes the target look whole.
        try inner.syncNow()
        if holding { try inner.consume(held) }
        try inner.finish(inputError: nil)
    }
}
