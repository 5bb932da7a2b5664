import Testing
@testable import SwddEngine
import SwddSystem

/// A source that produces a known byte pattern in pieces of a given size.
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
        while chunk.freeSpace >= piece && produced < total {
            let n = min(piece, total - produced)
            let bytes = chunk.base.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n { bytes[chunk.count + i] = UInt8(truncatingIfNeeded: produced + i) }
            chunk.count += n
            chunk.units.append(length: n, isFull: n == piece)
            produced += n
        }
        return produced < total ? .more : .end
    }
}

private final class CollectingSink: ChunkSink {
    var bytes: [UInt8] = []
    var units = 0
    var finishedWith: (any Error)?? = nil
    var failAtChunk: Int?
    var chunks = 0
    struct WriteError: Error {}
    func consume(_ chunk: Chunk) throws {
        chunks += 1
        if let failAtChunk, chunks == failAtChunk { throw WriteError() }
        bytes.append(contentsOf: chunk.bytes)
        units += chunk.units.unitCount
    }
    func finish(inputError: (any Error)?) throws { finishedWith = .some(inputError) }
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
        #expect(sink.units == 1001)
        let finished = try #require(sink.finishedWith)
        #expect(finished == nil)
    }

    @Test func aReadErrorReachesTheSinkAfterTheDataBeforeIt() throws {
        let pool = try ChunkPool(chunkCount: 2, chunkSize: 4096, alignment: 4096)
        let source = PatternSource(total: 100_000, piece: 4096, failAfter: 8192)
        let sink = CollectingSink()
        try Pipeline(pool: pool, source: source, sink: sink).run()
        #expect(sink.bytes.count == 8192)
        let inputError = try #require(sink.finishedWith ?? nil)
        #expect(inputError is PatternSource.ReadError)
    }

    @Test func aSinkErrorStopsThePipelineWithThatError() throws {
        let pool = try ChunkPool(chunkCount: 2, chunkSize: 4096, alignment: 4096)
        let source = PatternSource(total: 10_000_000, piece: 4096)
        let sink = CollectingSink()
        sink.failAtChunk = 3
        #expect(throws: CollectingSink.WriteError.self) {
            try Pipeline(pool: pool, source: source, sink: sink).run()
        }
        #expect(sink.bytes.count == 2 * 4096)
        #expect(source.produced < 10_000_000)
    }

    @Test func poolBuffersAreAlignedForDirectIO() throws {
        let pool = try ChunkPool(chunkCount: 2, chunkSize: 8192, alignment: 4096)
        let chunk = try #require(pool.take())
        #expect(Int(bitPattern: chunk.base) % 4096 == 0)
        pool.give(chunk)
    }
}
