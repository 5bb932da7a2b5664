import Testing
@testable import SwddEngine
import SwddSystem

/// Takes every chunk and keeps what the test needs to see of it.
private final class RecordingSink: ChunkSink {
    var seen: [(offset: Int64, length: Int, kind: ChunkKind)] = []
    var bytes: [UInt8] = []
    func consume(_ chunk: Chunk) throws {
        seen.append((chunk.offset, chunk.length, chunk.kind))
        chunk.materializeZeros()
        bytes.append(contentsOf: chunk.bytes)
    }
    func finish(inputError: (any Error)?) throws { if let inputError { throw inputError } }
}

@Suite struct ExtentSourceTests {
    static let mib = 1 << 20

    /// 8 MiB: data in the first MiB, a hole to 5 MiB, 100 KiB of data, a hole to the end.
    /// Hole cells are never read: two reads in all, one per cell that holds data.
    @Test func holesAreNeverRead() throws {
        let file = try ScratchFile("holes")
        defer { file.remove() }
        try file.pattern(at: 0, count: Self.mib)
        try file.pattern(at: 5 * Int64(Self.mib), count: 100 << 10)
        try file.descriptor.truncate(to: 8 * Int64(Self.mib))
        let expected = try file.contents()

        let source = ExtentSource(descriptor: file.descriptor, range: 0..<8 * Int64(Self.mib), seeksHoles: true, detectsZeros: true)
        let sink = RecordingSink()
        let pool = try ChunkPool(chunkCount: 3, chunkSize: Self.mib, alignment: 4096)
        try Pipeline(pool: pool, source: source, sink: sink).run()

        #expect(sink.bytes == expected)
        #expect(source.readCalls == 2)
        #expect(sink.seen.map(\.kind) == [.data, .hole, .hole, .hole, .hole, .data, .hole, .hole])
        #expect(sink.seen.map(\.offset) == (0..<8).map { Int64($0 * Self.mib) })
    }

    /// A device has no holes; written zeros are found by looking and marked, still read once.
    @Test func zeroDataIsMarkedZero() throws {
        let file = try ScratchFile("zeros")
        defer { file.remove() }
        try file.fill(0, at: 0, count: 2 * Self.mib)
        try file.pattern(at: 2 * Int64(Self.mib), count: 10)
        let source = ExtentSource(descriptor: file.descriptor, range: 0..<(2 * Int64(Self.mib) + 10), seeksHoles: false, detectsZeros: true)
        let sink = RecordingSink()
        try Pipeline(pool: try ChunkPool(chunkCount: 2, chunkSize: Self.mib, alignment: 4096), source: source, sink: sink).run()
        #expect(sink.seen.map(\.kind) == [.zero, .zero, .data])
        #expect(sink.seen.last?.length == 10)
        #expect(source.readCalls == 3)
    }

    /// A file that shrinks under the copy is an error, never zeros made up.
    @Test func aSourceThatEndsEarlyIsAnError() throws {
        let file = try ScratchFile("short")
        defer { file.remove() }
        try file.pattern(at: 0, count: 1000)
        let source = ExtentSource(descriptor: file.descriptor, range: 0..<5000, seeksHoles: false, detectsZeros: false)
        #expect(throws: SourceEndedEarly(path: file.path, offset: 1000)) {
            try Pipeline(pool: try ChunkPool(chunkCount: 2, chunkSize: 4096, alignment: 4096), source: source, sink: RecordingSink()).run()
        }
    }
}
