#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SwddEngine
import SwddSystem
import SwddTestSupport

@Suite struct SinkTests {
    static let mib = 1 << 20

    /// Source file → engine → new file with parallel workers and an out-of-order sink: the
    /// same bytes, and the holes stay holes (the hole cells are neither read nor written).
    @Test func aSparseCopyKeepsHolesAndBytes() throws {
        let from = try ScratchFile("sparse-in")
        let to = try ScratchFile("sparse-out")
        defer { from.remove(); to.remove() }
        try from.pattern(at: 0, count: 300_000)
        try from.pattern(at: 6 * Int64(Self.mib), count: 5)
        try from.descriptor.truncate(to: 9 * Int64(Self.mib))

        let counters = TransferCounters()
        let source = ExtentSource(descriptor: from.descriptor, range: 0..<9 * Int64(Self.mib), seeksHoles: true, detectsZeros: true, counters: counters)
        let sink = FileSink(descriptor: to.descriptor, zeros: .skip, extendsFile: true, counters: counters)
        let pass = PassThroughStage()
        try Pipeline(pool: try ChunkPool(chunkCount: 4, chunkSize: Self.mib, alignment: 4096), source: source,
                     steps: [PipelineStep(pass, threading: .parallel(workers: 2))], sink: sink).run()
        #expect(try to.contents() == from.contents())
        #expect(to.allocatedBytes <= 2 * Int64(Self.mib))
        // Only the data extents are read (whole file-system blocks), not the holes around them.
        #expect(counters.bytesRead >= 300_005 && counters.bytesRead <= 300_005 + 2 * 4096)
        #expect(counters.bytesWritten == 2 * Int64(Self.mib))
        #expect(counters.bytesDone == 9 * Int64(Self.mib))
    }

    /// Restoring onto an old file: zero chunks punch the old data away instead of leaving it.
    @Test func punchingHolesRemovesOldData() throws {
        let from = try ScratchFile("punch-in")
        let to = try ScratchFile("punch-out")
        defer { from.remove(); to.remove() }
        try from.pattern(at: 0, count: Self.mib)
        try from.descriptor.truncate(to: 4 * Int64(Self.mib))
        try to.fill(0xFF, at: 0, count: 4 * Self.mib)

        let source = ExtentSource(descriptor: from.descriptor, range: 0..<4 * Int64(Self.mib), seeksHoles: true, detectsZeros: true)
        let sink = FileSink(descriptor: to.descriptor, zeros: .punchHoles, extendsFile: true)
        try Pipeline(pool: try ChunkPool(chunkCount: 2, chunkSize: Self.mib, alignment: 4096), source: source, sink: sink).run()
        #expect(try to.contents() == from.contents())
        #expect(to.allocatedBytes <= Int64(Self.mib) + 65536)
    }

    /// A chunk a stage marked `UnchangedAtTarget` is not written: the target keeps what it had
    /// there (a mirror's unchanged chunks), and the sink counts it as skipped, not written.
    @Test func unchangedChunksAreNotWritten() throws {
        let from = try ScratchFile("unchanged-in")
        let to = try ScratchFile("unchanged-out")
        defer { from.remove(); to.remove() }
        try from.pattern(at: 0, count: 4 * Self.mib)
        try to.fill(0xAB, at: 0, count: 4 * Self.mib)
        final class MarkOddChunks: ChunkStage {
            func process(_ chunk: Chunk) throws {
                if (chunk.offset / Int64(SinkTests.mib)) % 2 == 1 { chunk.attachments[UnchangedAtTarget.self] = UnchangedAtTarget() }
            }
        }
        let counters = TransferCounters()
        let source = ExtentSource(descriptor: from.descriptor, range: 0..<4 * Int64(Self.mib), seeksHoles: true, detectsZeros: true)
        let sink = FileSink(descriptor: to.descriptor, zeros: .punchHoles, extendsFile: true, counters: counters)
        try Pipeline(pool: try ChunkPool(chunkCount: 3, chunkSize: Self.mib, alignment: 4096), source: source,
                     steps: [PipelineStep(MarkOddChunks(), threading: .parallel(workers: 2))], sink: sink).run()
        let got = try to.contents()
        let expected = try from.contents()
        for index in 0..<4 {
            let range = index * Self.mib..<(index + 1) * Self.mib
            #expect(Array(got[range]) == (index % 2 == 1 ? [UInt8](repeating: 0xAB, count: Self.mib) : Array(expected[range])), "chunk \(index)")
        }
        #expect(counters.bytesWritten == 2 * Int64(Self.mib))
        #expect(counters.bytesSkipped == 2 * Int64(Self.mib))
    }

    /// Dense output writes the zeros (a hole longer than the buffer included).
    @Test func writingZerosFillsTheTarget() throws {
        let from = try ScratchFile("dense-in")
        let to = try ScratchFile("dense-out")
        defer { from.remove(); to.remove() }
        try from.pattern(at: 3 * Int64(Self.mib), count: 7)
        try to.fill(0xAA, at: 0, count: 3 * Self.mib + 7)
        let source = ExtentSource(descriptor: from.descriptor, range: 0..<(3 * Int64(Self.mib) + 7), seeksHoles: true, detectsZeros: false)
        let sink = FileSink(descriptor: to.descriptor, zeros: .write, extendsFile: true)
        try Pipeline(pool: try ChunkPool(chunkCount: 2, chunkSize: Self.mib, alignment: 4096), source: source, sink: sink).run()
        #expect(try to.contents() == from.contents())
        #expect(to.allocatedBytes >= 3 * Int64(Self.mib))
    }

    /// A pipe in, a pipe out: the stream source and sink carry every byte in order, holes of
    /// a stream included as zeros.
    @Test func streamsCarryEveryByteInOrder() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writer = FileDescriptor(rawValue: fds[1])
        let reader = FileDescriptor(rawValue: fds[0])
        let out = try ScratchFile("stream-out")
        defer { out.remove() }
        let payload = (0..<3_000_001).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let feeder = IOThread.start {
            payload.withUnsafeBytes { try? writer.writeAll($0) }
            try? writer.close()
        }
        let counters = TransferCounters()
        try Pipeline(pool: try ChunkPool(chunkCount: 3, chunkSize: 1 << 16, alignment: 4096),
                     source: StreamSource(descriptor: reader, counters: counters),
                     sink: StreamSink(descriptor: out.descriptor, counters: counters)).run()
        feeder?.join()
        try reader.close()
        #expect(try out.contents() == payload)
        #expect(counters.bytesRead == 3_000_001)
        #expect(counters.bytesWritten == 3_000_001)
    }
}

/// A stage that does nothing: enough to put worker threads and a reorder step in the path.
final class PassThroughStage: ChunkStage {
    func process(_ chunk: Chunk) throws {}
}

/// On a block device: zero chunks are zeroed by the device (`BLKZEROOUT`), data written in
/// place, and an O_DIRECT extent source reads it back whole. Needs root for losetup.
@Suite struct DeviceSinkTests {
    @Test func zeroOutDeviceClearsOldDataOnALoopDevice() throws {
        guard getuid() == 0 else {
            print("SKIPPED zeroOutDeviceClearsOldDataOnALoopDevice: needs root for losetup")
            return
        }
        let backing = try ScratchFile("loop-backing")
        defer { backing.remove() }
        try backing.fill(0xEE, at: 0, count: 4 << 20)
        guard let loop = Shell.attachLoop(backing.path) else {
            print("SKIPPED zeroOutDeviceClearsOldDataOnALoopDevice: no free loop device")
            return
        }
        defer { Shell.run("losetup -d \(loop)") }
        let from = try ScratchFile("loop-source")
        defer { from.remove() }
        try from.pattern(at: 1 << 20, count: 1 << 20)
        try from.descriptor.truncate(to: 4 << 20)

        let device = try FileDescriptor.open(loop, flags: [.readWrite, .direct, .closeOnExec])
        defer { try? device.close() }
        let source = ExtentSource(descriptor: from.descriptor, range: 0..<(4 << 20), seeksHoles: true, detectsZeros: true)
        let counters = TransferCounters()
        let sink = FileSink(descriptor: device, zeros: .zeroOutDevice, extendsFile: false, syncsAtEnd: true, counters: counters)
        try Pipeline(pool: try ChunkPool(chunkCount: 2, chunkSize: 1 << 20, alignment: 4096), source: source, sink: sink).run()

        // Read back through the engine, with O_DIRECT: the device now holds the source's bytes.
        final class Collect: ChunkSink {
            var bytes: [UInt8] = []
            func consume(_ chunk: Chunk) throws { chunk.materializeZeros(); bytes += chunk.bytes }
            func finish(inputError: (any Error)?) throws { if let inputError { throw inputError } }
        }
        let collect = Collect()
        try Pipeline(pool: try ChunkPool(chunkCount: 2, chunkSize: 1 << 20, alignment: 4096),
                     source: ExtentSource(descriptor: device, range: 0..<(4 << 20), seeksHoles: false, detectsZeros: true, readAlignment: 512),
                     sink: collect).run()
        #expect(collect.bytes == (try from.contents()))
        // Loop devices take BLKZEROOUT (write-zeroes on the backing file): nothing was written.
        #expect(counters.bytesSkipped == 3 << 20)
        #expect(counters.bytesWritten == 1 << 20)
    }
}

