import Synchronization
import Testing
@testable import SwddEngine
import SwddSystem

/// A source that produces a known byte pattern in pieces of a given size, and counts its calls.
private final class PatternSource: ChunkSource {
    let total: Int
    let piece: Int
    var produced = 0
    var failAfter: Int?
    init(total: Int, piece: Int, failAfter: Int? = nil) {
        self.total = total
        self.piece = piece
        self.failAfter = failAfter
    }
    struct ReadError: Error {}
    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        if let failAfter, produced >= failAfter { throw ReadError() }
        chunk.offset = Int64(produced)
        while chunk.freeSpace >= piece && produced < total {
            let n = min(piece, total - produced)
            let bytes = chunk.base.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n { bytes[chunk.count + i] = UInt8(truncatingIfNeeded: produced + i) }
            chunk.count += n
            produced += n
        }
        return produced < total ? .more : .end
    }
}

/// Records what arrives, and checks that chunks came from the pool only.
private final class CollectingSink: ChunkSink {
    var bytes: [UInt8] = []
    var offsets: [Int64] = []
    var sequences: [Int] = []
    var finishedWith: (any Error)?? = nil
    var failAtChunk: Int?
    var chunks = 0
    var distinctChunks = Set<ObjectIdentifier>()
    let outOfOrder: Bool
    init(outOfOrder: Bool = false) { self.outOfOrder = outOfOrder }
    var acceptsChunksOutOfOrder: Bool { outOfOrder }
    struct WriteError: Error {}
    func consume(_ chunk: Chunk) throws {
        chunks += 1
        if let failAtChunk, chunks == failAtChunk { throw WriteError() }
        bytes.append(contentsOf: chunk.bytes)
        offsets.append(chunk.offset)
        sequences.append(chunk.sequence)
        distinctChunks.insert(ObjectIdentifier(chunk))
    }
    func finish(inputError: (any Error)?) throws { finishedWith = .some(inputError) }
}

/// A parallel stage whose chunks finish out of order: each sleeps a pseudo-random time, and
/// it counts how many run at once (at most the pool's chunks can).
private final class ShufflingStage: ChunkStage, @unchecked Sendable {
    let running = Atomic(0)
    let mostAtOnce = Atomic(0)
    let processed = Atomic(0)
    let failAt: Int?
    let finished = Atomic(0)
    init(failAt: Int? = nil) { self.failAt = failAt }
    struct StageError: Error {}
    func process(_ chunk: Chunk) throws {
        let now = running.add(1, ordering: .sequentiallyConsistent).newValue
        _ = mostAtOnce.max(now, ordering: .sequentiallyConsistent)
        defer { running.subtract(1, ordering: .sequentiallyConsistent) }
        let count = processed.add(1, ordering: .sequentiallyConsistent).newValue
        if let failAt, count == failAt { throw StageError() }
        MonotonicClock.sleep(nanoseconds: UInt64((chunk.sequence * 7919) % 5) * 300_000)
    }
    func finish() throws { finished.add(1, ordering: .sequentiallyConsistent) }
}

/// An ordered stage that checks it sees every chunk in sequence (a stream digest's need).
private final class SequenceCheckingStage: ChunkStage, @unchecked Sendable {
    var expected = 0
    var outOfOrder = 0
    func process(_ chunk: Chunk) throws {
        if chunk.sequence != expected { outOfOrder += 1 }
        expected = chunk.sequence + 1
    }
}

/// Runs `body` on its own thread and fails the test if it has not returned within `seconds`:
/// a pipeline that hangs must fail the suite, not stall it.
private func withinTimeLimit(_ seconds: Int = 20, _ body: @escaping @Sendable () -> Void) {
    let done = Atomic(false)
    let thread = IOThread.start {
        body()
        done.store(true, ordering: .sequentiallyConsistent)
    }
    for _ in 0..<(seconds * 100) where !done.load(ordering: .sequentiallyConsistent) {
        MonotonicClock.sleep(nanoseconds: 10_000_000)
    }
    if done.load(ordering: .sequentiallyConsistent) { thread?.join() } else {
        thread?.detach()
        Issue.record("the pipeline did not return within \(seconds) s")
    }
}

/// The test objects cross to the runner thread and back; the test only reads them after join.
private struct Unchecked<T>: @unchecked Sendable { let value: T }

/// The error a run ended with, written on the runner thread.
private final class Outcome: Sendable {
    let error = Mutex<(any Error)?>(nil)
    var value: (any Error)? { error.withLock { $0 } }
}

@Suite struct PipelineTests {
    /// One chunk is what dd mode uses for huge records: reading and writing then take turns.
    @Test(arguments: [1, 2, 3])
    func deliversEveryByteInOrderWithBoundedMemory(chunkCount: Int) throws {
        let pool = try ChunkPool(chunkCount: chunkCount, chunkSize: 4096, alignment: 4096)
        let source = PatternSource(total: 1_000_003, piece: 1000)
        let sink = CollectingSink()
        try Pipeline(pool: pool, source: source, sink: sink).run()
        #expect(sink.bytes.count == 1_000_003)
        #expect(sink.bytes.enumerated().allSatisfy { $0.element == UInt8(truncatingIfNeeded: $0.offset) })
        #expect(sink.sequences == Array(0..<sink.chunks))
        let finished = try #require(sink.finishedWith)
        #expect(finished == nil)
    }

    /// N workers finish out of order; the reorder step gives the ordered stage and the sink
    /// every chunk in sequence; memory stays at the pool's chunks whatever the worker count.
    @Test(arguments: [1, 2, 8])
    func parallelWorkersOutOfOrderAreReorderedWithinThePool(workers: Int) throws {
        let pool = try ChunkPool(chunkCount: 6, chunkSize: 4096, alignment: 4096)
        let source = PatternSource(total: 300 * 4096 + 5, piece: 4096)
        let shuffle = ShufflingStage()
        let check = SequenceCheckingStage()
        let sink = CollectingSink()
        let pipeline = Pipeline(pool: pool, source: source,
                                steps: [PipelineStep(shuffle, threading: .parallel(workers: workers)),
                                        PipelineStep(check, threading: .ordered)],
                                sink: sink)
        let box = Unchecked(value: pipeline)
        withinTimeLimit { try? box.value.run() }
        #expect(sink.bytes.count == 300 * 4096 + 5)
        #expect(sink.bytes.enumerated().allSatisfy { $0.element == UInt8(truncatingIfNeeded: $0.offset) })
        #expect(sink.offsets == sink.offsets.sorted())
        #expect(check.outOfOrder == 0)
        #expect(shuffle.finished.load(ordering: .sequentiallyConsistent) == 1)
        #expect(shuffle.mostAtOnce.load(ordering: .sequentiallyConsistent) <= min(workers, 6))
        if workers > 1 { #expect(shuffle.mostAtOnce.load(ordering: .sequentiallyConsistent) > 1) }
        #expect(sink.distinctChunks.count <= 6)
        #expect(pool.freeCount == 6)
    }

    /// A sink that writes each chunk at its offset takes them as they finish.
    @Test func anOutOfOrderSinkGetsEveryChunkOnce() throws {
        let pool = try ChunkPool(chunkCount: 8, chunkSize: 4096, alignment: 4096)
        let source = PatternSource(total: 200 * 4096, piece: 4096)
        let sink = CollectingSink(outOfOrder: true)
        let pipeline = Pipeline(pool: pool, source: source, steps: [PipelineStep(ShufflingStage(), threading: .parallel(workers: 4))], sink: sink)
        let box = Unchecked(value: pipeline)
        withinTimeLimit { try? box.value.run() }
        #expect(Set(sink.sequences) == Set(0..<200))
        #expect(sink.sequences.count == 200)
    }

    @Test func aReadErrorReachesTheSinkAfterTheDataBeforeIt() throws {
        let pool = try ChunkPool(chunkCount: 2, chunkSize: 4096, alignment: 4096)
        let source = PatternSource(total: 100_000, piece: 4096, failAfter: 8192)
        let sink = CollectingSink()
        let pipeline = Pipeline(pool: pool, source: source, steps: [PipelineStep(ShufflingStage(), threading: .parallel(workers: 2))], sink: sink)
        try pipeline.run()
        #expect(sink.bytes.count == 8192)
        let inputError = try #require(sink.finishedWith ?? nil)
        #expect(inputError is PatternSource.ReadError)
    }

    @Test func aSinkErrorStopsThePipelineWithThatError() throws {
        let pool = try ChunkPool(chunkCount: 2, chunkSize: 4096, alignment: 4096)
        let source = PatternSource(total: 10_000_000, piece: 4096)
        let sink = CollectingSink()
        sink.failAtChunk = 3
        let pipeline = Pipeline(pool: pool, source: source, steps: [PipelineStep(ShufflingStage(), threading: .parallel(workers: 3))], sink: sink)
        let outcome = Outcome()
        let box = Unchecked(value: pipeline)
        withinTimeLimit {
            do { try box.value.run() } catch { outcome.error.withLock { $0 = error } }
        }
        #expect(outcome.value is CollectingSink.WriteError)
        #expect(sink.bytes.count == 2 * 4096)
        #expect(source.produced < 10_000_000)
    }

    /// A failing worker ends the reader, the other workers and the sink with its one error.
    @Test(arguments: [1, 2, 8])
    func aStageErrorEndsEveryThreadWithThatError(workers: Int) throws {
        let pool = try ChunkPool(chunkCount: 4, chunkSize: 4096, alignment: 4096)
        let source = PatternSource(total: 100_000_000, piece: 4096)
        let stage = ShufflingStage(failAt: 10)
        let sink = CollectingSink()
        let pipeline = Pipeline(pool: pool, source: source,
                                steps: [PipelineStep(stage, threading: .parallel(workers: workers)),
                                        PipelineStep(SequenceCheckingStage(), threading: .ordered)],
                                sink: sink)
        let outcome = Outcome()
        let box = Unchecked(value: pipeline)
        withinTimeLimit {
            do { try box.value.run() } catch { outcome.error.withLock { $0 = error } }
        }
        #expect(outcome.value is ShufflingStage.StageError)
        #expect(sink.chunks < 10)
        #expect(source.produced < 100_000_000)
        #expect(stage.finished.load(ordering: .sequentiallyConsistent) == 0)
    }

    @Test func poolBuffersAreAlignedForDirectIO() throws {
        let pool = try ChunkPool(chunkCount: 2, chunkSize: 8192, alignment: 4096)
        let chunk = try #require(pool.take())
        #expect(Int(bitPattern: chunk.base) % 4096 == 0)
        pool.give(chunk)
    }

    @Test func poolGrowsToTheCountAskedAndRunsWithTheExtraChunks() throws {
        let pool = try ChunkPool(chunkCount: 1, chunkSize: 4096, alignment: 4096)
        #expect(pool.grow(toChunkCount: 3) == 3)
        #expect(pool.chunkCount == 3 && pool.freeCount == 3)
        #expect(pool.grow(toChunkCount: 2) == 3)  // never shrinks
        let sink = CollectingSink()
        try Pipeline(pool: pool, source: PatternSource(total: 50_000, piece: 4096), sink: sink).run()
        #expect(sink.bytes.count == 50_000)
        #expect(pool.freeCount == 3)
    }

    @Test func inlineRunsTheSameStagesInOrder() throws {
        let pool = try ChunkPool(chunkCount: 1, chunkSize: 4096, alignment: 4096)
        let source = PatternSource(total: 50_000, piece: 4096)
        let check = SequenceCheckingStage()
        let sink = CollectingSink()
        try Pipeline(pool: pool, source: source, steps: [PipelineStep(check, threading: .ordered)], sink: sink).runInline()
        #expect(sink.bytes.count == 50_000)
        #expect(check.expected == sink.chunks)
    }
}
