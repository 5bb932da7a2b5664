// The engine's hot loops: the reader → queue → consumer hand-off (alone, and through a parallel
// stage's workers and the reorder step), the SHA-256 digest stage, and the all-zero scan that
// conv=sparse and image hole detection run over every byte.
import Benchmark
import SwddEngine
import SwddSystem

/// Produces `total` bytes in chunk-sized pieces without touching a disk, so the benchmark
/// measures the pipeline's own cost per chunk.
final class SyntheticSource: ChunkSource {
    let total: Int
    var produced = 0
    init(total: Int) { self.total = total }
    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        let n = min(chunk.capacity, total - produced)
        chunk.count = n
        produced += n
        return produced < total ? .more : .end
    }
}

/// A stage that does nothing: what remains is the cost of the workers and the reorder step.
final class PassThroughStage: ChunkStage {
    func process(_ chunk: Chunk) throws {}
}

final class DiscardSink: ChunkSink {
    var bytes = 0
    func consume(_ chunk: Chunk) throws { bytes += chunk.count }
    func finish(inputError: (any Error)?) throws {}
}

let benchmarks: @Sendable () -> Void = {
    let total = 1 << 30
    for chunkSize in [64 << 10, 1 << 20, 4 << 20] {
        Benchmark("Pipeline hand-off, 1 GiB in \(chunkSize >> 10) KiB chunks",
                  configuration: .init(metrics: [.wallClock, .throughput, .peakMemoryResident], maxIterations: 20)) { benchmark in
            for _ in benchmark.scaledIterations {
                let pool = try ChunkPool(chunkCount: 4, chunkSize: chunkSize, alignment: 4096)
                let sink = DiscardSink()
                try Pipeline(pool: pool, source: SyntheticSource(total: total), sink: sink).run()
                blackHole(sink.bytes)
            }
        }
    }

    Benchmark("Pipeline, 1 GiB in 1 MiB chunks through a parallel stage (2 workers) and the reorder step",
              configuration: .init(metrics: [.wallClock, .throughput, .peakMemoryResident], maxIterations: 20)) { benchmark in
        for _ in benchmark.scaledIterations {
            let pool = try ChunkPool(chunkCount: 6, chunkSize: 1 << 20, alignment: 4096)
            let sink = DiscardSink()
            try Pipeline(pool: pool, source: SyntheticSource(total: total),
                         steps: [PipelineStep(PassThroughStage(), threading: .parallel(workers: 2))], sink: sink).run()
            blackHole(sink.bytes)
        }
    }

    Benchmark("DigestStage SHA-256, 256 MiB in 1 MiB chunks", configuration: .init(metrics: [.wallClock, .throughput], maxIterations: 10)) { benchmark in
        for _ in benchmark.scaledIterations {
            let pool = try ChunkPool(chunkCount: 4, chunkSize: 1 << 20, alignment: 4096)
            let digest = DigestStage(.sha256)
            try Pipeline(pool: pool, source: SyntheticSource(total: 256 << 20),
                         steps: [PipelineStep(digest, threading: .ordered)], sink: DiscardSink()).run()
            blackHole(digest.result.hex)
        }
    }

    Benchmark("isAllZero over 64 MiB", configuration: .init(metrics: [.wallClock, .throughput], maxIterations: 50)) { benchmark in
        guard let buffer = AlignedBuffer(capacity: 64 << 20, alignment: 4096) else { return }
        buffer.bytes.initializeMemory(as: UInt8.self, repeating: 0)
        for _ in benchmark.scaledIterations {
            blackHole(isAllZero(buffer.base, count: buffer.capacity))
        }
    }
}
