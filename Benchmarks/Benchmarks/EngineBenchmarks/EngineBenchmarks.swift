// The engine's hot loops: the reader → queue → consumer hand-off, and the all-zero scan that
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

    Benchmark("isAllZero over 64 MiB", configuration: .init(metrics: [.wallClock, .throughput], maxIterations: 50)) { benchmark in
        guard let buffer = AlignedBuffer(capacity: 64 << 20, alignment: 4096) else { return }
        buffer.bytes.initializeMemory(as: UInt8.self, repeating: 0)
        for _ in benchmark.scaledIterations {
            blackHole(isAllZero(buffer.base, count: buffer.capacity))
        }
    }
}
