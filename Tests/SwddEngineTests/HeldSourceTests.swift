import Synchronization
import Testing
@testable import SwddEngine
import SwddSystem

/// A source of `chunks` full chunks, which may fail at one of them.
private final class CountingSource: ChunkSource {
    let chunks: Int
    let failAt: Int?
    var filled = 0
    init(chunks: Int, failAt: Int? = nil) {
        self.chunks = chunks
        self.failAt = failAt
    }
    struct ReadError: Error {}
    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        if filled == failAt { throw ReadError() }
        chunk.offset = Int64(filled * chunk.capacity)
        chunk.base.initializeMemory(as: UInt8.self, repeating: 1, count: chunk.capacity)
        chunk.count = chunk.capacity
        filled += 1
        return filled < chunks ? .more : .end
    }
}

/// Notes when it was checked and released, relative to the source's fills; may be lost.
private final class RecordingHold: ReadingHold, @unchecked Sendable {
    let source: CountingSource
    var checkedAt: [Int] = []
    var releasedAt: [Int] = []
    var lostAfter: Int?
    var failsRelease = false
    struct Lost: Error {}
    init(source: CountingSource) { self.source = source }
    func check() throws {
        checkedAt.append(source.filled)
        if let lostAfter, source.filled >= lostAfter { throw Lost() }
    }
    func release() throws {
        releasedAt.append(source.filled)
        if failsRelease { throw Lost() }
    }
}

private final class CountingSink: ChunkSink {
    var chunks = 0
    var finishedWith: (any Error)?
    func consume(_ chunk: Chunk) throws { chunks += 1 }
    func finish(inputError: (any Error)?) throws { finishedWith = inputError }
}

@Suite struct HeldSourceTests {
    private func run(_ source: CountingSource, _ hold: RecordingHold) throws -> CountingSink {
        let sink = CountingSink()
        let pool = try ChunkPool(chunkCount: 3, chunkSize: 4096, alignment: 4096)
        try Pipeline(pool: pool, source: HeldSource(source, hold: hold), steps: [], sink: sink).run()
        return sink
    }

    @Test func checkedBeforeEveryReadAndReleasedOnceRightAfterTheLast() throws {
        let source = CountingSource(chunks: 5)
        let hold = RecordingHold(source: source)
        let sink = try run(source, hold)
        #expect(hold.checkedAt == [0, 1, 2, 3, 4])
        #expect(hold.releasedAt == [5])
        #expect(sink.chunks == 5 && sink.finishedWith == nil)
    }

    @Test func aLostHoldEndsTheInputWithItsErrorAfterTheChunksReadWhileItHeld() throws {
        let source = CountingSource(chunks: 5)
        let hold = RecordingHold(source: source)
        hold.lostAfter = 2
        let sink = try run(source, hold)
        #expect(sink.chunks == 2)
        #expect(sink.finishedWith is RecordingHold.Lost)
        #expect(hold.releasedAt == [2])
    }

    @Test func aFailedReleaseStillHandsOnTheLastChunkThenFails() throws {
        let source = CountingSource(chunks: 3)
        let hold = RecordingHold(source: source)
        hold.failsRelease = true
        let sink = try run(source, hold)
        #expect(sink.chunks == 3)
        #expect(sink.finishedWith is RecordingHold.Lost)
        #expect(hold.releasedAt == [3])
    }

    @Test func aReadErrorReleasesTheHoldAndIsTheErrorReported() throws {
        let source = CountingSource(chunks: 5, failAt: 1)
        let hold = RecordingHold(source: source)
        let sink = try run(source, hold)
        #expect(sink.chunks == 1)
        #expect(sink.finishedWith is CountingSource.ReadError)
        #expect(hold.releasedAt == [1])
    }
}
