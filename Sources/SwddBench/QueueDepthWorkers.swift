#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SwddSystem

/// Runs one test at a queue depth of N: N dedicated threads, each with its own descriptor and
/// aligned buffer, issue blocking `pread`/`pwrite` calls. The region is cut into N contiguous
/// slices, one per thread, each walked sequentially (or shuffled, for random reads) — fio's
/// `--numjobs=N --offset_increment=SIZE/N` with the psync engine, the usual way fio measures
/// what parallel requests get from a device. Each thread having its own descriptor keeps the
/// kernel's readahead seeing N clean sequential streams. A depth of 1 is the same code with one
/// thread. A region of fewer blocks than threads runs one thread per block.
///
/// The threads never print and never allocate in the loop; the caller polls `progress`.
final class QueueDepthWorkers: Sendable {
    /// What every worker shares.
    private final class Shared: Sendable {
        let stop = Atomic<Bool>(false)
        let finished = Atomic<Int>(0)
        let failure = Mutex<BenchError?>(nil)

        func fail(_ error: BenchError) {
            failure.withLock { if $0 == nil { $0 = error } }
            stop.store(true, ordering: .relaxed)
        }
    }

    /// One worker's blocks: `count` blocks from `first`.
    struct Slice: Sendable, Equatable {
        var first: Int64
        var count: Int64
    }

    /// One worker's own counters, each in its own object so workers do not share a cache line.
    private final class Slot: Sendable {
        let bytes = Atomic<Int64>(0)
        let finishedAt = Atomic<UInt64>(0)
        /// Set when the worker walked its whole slice.
        let coveredSlice = Atomic<Bool>(false)
    }

    /// What a finished run measured.
    struct Outcome {
        var bytes: Int64
        var nanoseconds: UInt64
        /// True when the workers ran out of region before the deadline.
        var coveredRegion: Bool
    }

    private let descriptors: [FileDescriptor]
    private let test: BenchTest
    private let slices: [Slice]
    private let buffers: [AlignedBuffer]
    private let shared = Shared()
    private let slots: [Slot]

    /// How many threads a test of `blockCount` blocks runs: its depth, unless there are fewer blocks.
    static func threadCount(depth: Int, blockCount: Int64) -> Int {
        Int(min(Int64(depth), max(blockCount, 1)))
    }

    /// `blockCount` blocks cut into `threads` contiguous slices, the first ones a block longer
    /// when it does not divide evenly.
    static func slices(blockCount: Int64, threads: Int) -> [Slice] {
        let base = blockCount / Int64(threads)
        let extra = blockCount % Int64(threads)
        var first: Int64 = 0
        return (0..<threads).map { index in
            let count = base + (Int64(index) < extra ? 1 : 0)
            defer { first += count }
            return Slice(first: first, count: count)
        }
    }

    /// Prepares one worker per descriptor over the first `blockCount` blocks. Buffers are
    /// allocated and (for writes) filled here, before any clock starts. Nil when memory for the
    /// buffers is not available.
    init?(descriptors: [FileDescriptor], test: BenchTest, blockCount: Int64, alignment: Int) {
        self.descriptors = descriptors
        self.test = test
        slices = Self.slices(blockCount: blockCount, threads: descriptors.count)
        var buffers: [AlignedBuffer] = []
        for worker in descriptors.indices {
            guard let buffer = AlignedBuffer(capacity: test.blockSize, alignment: alignment) else { return nil }
            if test.pattern.writes { Self.fillIncompressible(buffer, seed: UInt64(worker) + 1) }
            buffers.append(buffer)
        }
        self.buffers = buffers
        slots = descriptors.map { _ in Slot() }
    }

    /// Bytes moved so far, for the progress line.
    var progress: Int64 {
        slots.reduce(0) { $0 + $1.bytes.load(ordering: .relaxed) }
    }

    /// Starts the workers and returns at once; `isFinished` turns true when all have stopped.
    /// The caller joins the returned threads.
    func start(deadline: UInt64) throws(BenchError) -> [IOThread] {
        var threads: [IOThread] = []
        for index in descriptors.indices {
            let worker = Worker(descriptor: descriptors[index], buffer: buffers[index], slice: slices[index], slot: slots[index])
            guard let thread = IOThread.start({ [self] in self.work(worker, deadline: deadline) }) else {
                shared.stop.store(true, ordering: .relaxed)
                for thread in threads { thread.join() }
                throw BenchError.threadUnavailable
            }
            threads.append(thread)
        }
        return threads
    }

    var isFinished: Bool { shared.finished.load(ordering: .acquiring) == descriptors.count }

    /// After every thread is joined: the totals, or the first worker's error.
    func outcome(startedAt start: UInt64) throws(BenchError) -> Outcome {
        if let error = shared.failure.withLock({ $0 }) { throw error }
        let end = slots.map { $0.finishedAt.load(ordering: .acquiring) }.max() ?? start
        return Outcome(bytes: progress, nanoseconds: end > start ? end - start : 1,
                       coveredRegion: slots.allSatisfy { $0.coveredSlice.load(ordering: .acquiring) })
    }

    // MARK: - The loop each thread runs

    /// What one thread owns.
    private struct Worker: Sendable {
        let descriptor: FileDescriptor
        let buffer: AlignedBuffer
        let slice: Slice
        let slot: Slot
    }

    private func work(_ worker: Worker, deadline: UInt64) {
        let size = test.blockSize
        let writes = test.pattern.writes
        let shuffle = test.pattern == .randomRead ? BlockShuffle(count: worker.slice.count) : nil
        var index: Int64 = 0
        // One pass over the slice at most: see BenchPlan.
        while index < worker.slice.count && !shared.stop.load(ordering: .relaxed) {
            if MonotonicClock.now() >= deadline { break }
            let block = worker.slice.first + (shuffle?.block(at: index) ?? index)
            let offset = block * Int64(size)
            do throws(BenchError) {
                if writes {
                    try writeBlock(worker.descriptor, worker.buffer, size: size, at: offset)
                } else {
                    try readBlock(worker.descriptor, worker.buffer, size: size, at: offset)
                }
            } catch {
                shared.fail(error)
                break
            }
            index += 1
            worker.slot.bytes.add(Int64(size), ordering: .relaxed)
        }
        worker.slot.coveredSlice.store(index == worker.slice.count, ordering: .relaxed)
        worker.slot.finishedAt.store(MonotonicClock.now(), ordering: .releasing)
        shared.finished.add(1, ordering: .releasing)
    }

    private func readBlock(_ descriptor: FileDescriptor, _ buffer: AlignedBuffer, size: Int, at offset: Int64) throws(BenchError) {
        let got: Int
        do {
            got = try descriptor.readAll(fromAbsoluteOffset: offset, into: buffer.slice(0, size))
        } catch {
            throw BenchError.system(error)
        }
        // End of data inside a region the target said it had: the file shrank under us.
        if got < size { throw BenchError.unexpectedEnd(path: descriptor.path ?? "", offset: offset + Int64(got)) }
    }

    private func writeBlock(_ descriptor: FileDescriptor, _ buffer: AlignedBuffer, size: Int, at offset: Int64) throws(BenchError) {
        do {
            try descriptor.writeAll(toAbsoluteOffset: offset, UnsafeRawBufferPointer(buffer.slice(0, size)))
        } catch {
            throw BenchError.system(error.error)
        }
    }

    /// Pseudo-random bytes (xorshift64*), so a compressing or deduplicating device or virtual
    /// disk cannot make writes look faster than real data would be.
    static func fillIncompressible(_ buffer: AlignedBuffer, seed: UInt64) {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        let words = buffer.capacity / 8
        let pointer = buffer.base.bindMemory(to: UInt64.self, capacity: words)
        for index in 0..<words {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            pointer[index] = state &* 0x2545_F491_4F6C_DD1D
        }
    }
}
