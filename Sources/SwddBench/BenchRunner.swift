#if canImport(Glibc)
import Glibc
#endif
import SwddSystem

/// Runs a plan's tests on a target, one after another, and collects the rows.
///
/// Each test opens the target afresh (buffered or `O_DIRECT`), makes reads cold, lets
/// `QueueDepthWorkers` run until the time limit or the end of the region, and — for writes —
/// ends with `fdatasync` inside the measured time, so a buffered write is charged for reaching
/// the disk, not just the page cache (fio's `--end_fsync=1`).
public struct BenchRunner {
    public let target: BenchTarget
    public let plan: BenchPlan
    /// Nanoseconds between progress reports: a few a second, as zstd refreshes its own.
    public var progressInterval: UInt64 = 250_000_000
    /// How long the polling thread sleeps between looks at the workers. Only the end of a
    /// test waits on it; the measurement uses the workers' own clock readings.
    var pollInterval: UInt64 = 5_000_000

    /// Laying out the temporary file writes blocks of this size (see `layOut`).
    static let layoutBlockSize = 1 << 20

    public init(target: BenchTarget, plan: BenchPlan) {
        self.target = target
        self.plan = plan
    }

    /// True when write tests were asked for but the device is only read (no `--write`).
    public var writesLeftOut: Bool {
        target.isBlockDevice && !target.writesAllowed && plan.patterns.contains(.write)
    }

    /// The tests `run` will run, in order.
    public var tests: [BenchTest] { plan.tests(writesAllowed: target.writesAllowed) }

    /// Runs every test. `progress` is called on this thread, at most every `progressInterval`;
    /// `finished` with each row as soon as it is measured (and what making reads cold has taken
    /// so far), so a report can print rows as they come and keep them when the run is cut short.
    public func run(progress: (BenchProgress) -> Void = { _ in },
                    finished: (BenchResult, CacheDrop) -> Void = { _, _ in }) throws(BenchError) -> BenchRun {
        let tests = self.tests
        // A temporary file is laid out when a test uses it: always in a directory (the reads
        // read it), next to a named file only for the write tests.
        if let scratch = target.scratchPath,
           scratch == target.facts.readPath || tests.contains(where: { $0.pattern.writes }) {
            try layOut(scratch, progress: progress)
        }

        var state = RunState(cache: target.cacheDrop)
        var results: [BenchResult] = []
        for (index, test) in tests.enumerated() {
            let outcome = try run(test, number: index + 1, of: tests.count, state: &state, progress: progress)
            results.append(BenchResult(test: test, outcome: outcome))
            finished(results[results.count - 1], state.cache)
        }
        return BenchRun(target: target.facts, timeLimit: plan.timeLimit, cache: state.cache,
                        writesLeftOut: writesLeftOut, results: results)
    }

    /// What one test learns that later tests need.
    private struct RunState {
        var cache: CacheDrop
        /// Set once `O_DIRECT` turned out unsupported; the remaining direct rows are skipped with it.
        var directUnsupported: String?
    }

    private func run(_ test: BenchTest, number: Int, of count: Int, state: inout RunState,
                     progress: (BenchProgress) -> Void) throws(BenchError) -> BenchResult.Outcome {
        let facts = target.facts
        let blockCount = facts.regionSize / Int64(test.blockSize)
        guard blockCount > 0 else {
            return .skipped("the \(ByteCount.human(facts.regionSize)) region is smaller than one block")
        }
        let direct = test.io == .direct
        if direct {
            if let reason = state.directUnsupported { return .skipped(reason) }
            if test.blockSize % facts.sectorSize != 0 {
                return .skipped("O_DIRECT needs multiples of the \(facts.sectorSize)-byte sector")
            }
        }

        var flags: OpenFlags = test.pattern.writes ? [.writeOnly, .closeOnExec] : [.readOnly, .closeOnExec]
        if direct { flags.insert(.direct) }
        // One descriptor per worker, as fio's jobs each open the file: each keeps its own
        // readahead state, so N sequential slices look like N sequential streams.
        var descriptors: [FileDescriptor] = []
        defer { for descriptor in descriptors { try? descriptor.close() } }
        for _ in 0..<QueueDepthWorkers.threadCount(depth: test.depth, blockCount: blockCount) {
            do {
                descriptors.append(try FileDescriptor.open(test.pattern.writes ? facts.writePath : facts.readPath, flags: flags))
            } catch {
                // EINVAL from open with O_DIRECT: the file system does not do direct I/O (tmpfs).
                if direct && error.code == .invalidArgument {
                    state.directUnsupported = "O_DIRECT is not supported here"
                    return .skipped("O_DIRECT is not supported here")
                }
                throw BenchError.system(error)
            }
        }
        let descriptor = descriptors[0]

        // Before writes too, as fio's --invalidate does: a buffered 4K write into the large folios
        // a previous test left in the cache costs several times one into a fresh page
        // (ext4 walks every buffer of the folio), which would measure the last test, not this one.
        makeCold(descriptor, cache: &state.cache)
        // The same hints fio gives by default (fadvise_hint): a larger readahead window for
        // sequential reads, none for random ones. Readahead state is per descriptor.
        for each in descriptors {
            if test.pattern == .randomRead { each.adviseRandom() } else { each.adviseSequential() }
        }

        guard let workers = QueueDepthWorkers(descriptors: descriptors, test: test, blockCount: blockCount,
                                              alignment: target.bufferAlignment) else {
            throw BenchError.system(SystemError("allocating I/O buffers", code: .noMemory))
        }
        let start = MonotonicClock.now()
        let threads = try workers.start(deadline: start &+ plan.timeLimit)
        var lastReport = start
        while !workers.isFinished {
            MonotonicClock.sleep(nanoseconds: pollInterval)
            let now = MonotonicClock.now()
            if now - lastReport >= progressInterval {
                lastReport = now
                progress(BenchProgress(phase: .testing(test), testNumber: number, testCount: count,
                                       bytes: workers.progress, nanoseconds: now - start))
            }
        }
        for thread in threads { thread.join() }

        var outcome: QueueDepthWorkers.Outcome
        do {
            outcome = try workers.outcome(startedAt: start)
        } catch {
            // EINVAL on the first direct request: opened fine but the file system refuses the I/O.
            if direct, case .system(let failure) = error, failure.code == .invalidArgument {
                state.directUnsupported = "O_DIRECT requests are refused here (\(failure.reason))"
                return .skipped("O_DIRECT requests are refused here (\(failure.reason))")
            }
            throw error
        }
        if test.pattern.writes {
            do { try descriptor.syncData() } catch { throw BenchError.system(error) }
            outcome.nanoseconds = MonotonicClock.now() - start
        }
        return .measured(BenchMeasurement(bytes: outcome.bytes, nanoseconds: outcome.nanoseconds,
                                          coveredRegion: outcome.coveredRegion))
    }

    /// Drops the region from the page cache so a test reaches the device: `posix_fadvise
    /// DONTNEED` for the file's pages, `BLKFLSBUF` for a block device's buffer cache (root only;
    /// when refused, the report says reads may have been warm), and a loop device's backing file.
    private func makeCold(_ descriptor: FileDescriptor, cache: inout CacheDrop) {
        descriptor.dropCache(offset: 0, length: target.facts.regionSize)
        guard target.isBlockDevice else { return }
        if cache.deviceBuffers {
            do {
                try descriptor.flushDeviceBuffers()
            } catch {
                cache.deviceBuffers = false
                cache.warn("BLKFLSBUF: \(error.reason)")
            }
        }
        target.dropBackingFileCache()
    }

    /// Fills the temporary file with incompressible data, so reads have something real to read
    /// (a sparse or fallocated file reads as zeros without touching the disk), and so writes
    /// overwrite allocated blocks as they would on a device.
    private func layOut(_ path: String, progress: (BenchProgress) -> Void) throws(BenchError) {
        let size = target.facts.regionSize
        // In 1 MiB writes: the memory the dropped layout leaves behind is where the first test's
        // page cache comes from, and on a VM whose free memory goes back to the host that swung
        // the buffered tests up to 2× from fio's. Of the sizes tried, 1 MiB kept swdd and fio
        // closest (87 of 104 rows within 15%; 4 MiB and fio's choice, the test's own block size,
        // did worse). Those runs let fio start on memory freed a moment before and swdd not, a
        // bias scripts/bench-device has since removed, so the ranking is a hint, not a proof.
        let blockSize = Int(min(Int64(Self.layoutBlockSize), size))
        guard let buffer = AlignedBuffer(capacity: blockSize, alignment: target.bufferAlignment) else {
            throw BenchError.system(SystemError("allocating I/O buffers", code: .noMemory))
        }
        QueueDepthWorkers.fillIncompressible(buffer, seed: 0x5EED)
        let descriptor: FileDescriptor
        do { descriptor = try FileDescriptor.open(path, flags: [.writeOnly, .closeOnExec]) } catch { throw BenchError.system(error) }
        defer { try? descriptor.close() }
        let start = MonotonicClock.now()
        var lastReport = start
        var written: Int64 = 0
        do throws(SystemError) {
            while written < size {
                let count = Int(min(Int64(blockSize), size - written))
                do {
                    try descriptor.writeAll(toAbsoluteOffset: written, UnsafeRawBufferPointer(buffer.slice(0, count)))
                } catch {
                    throw error.error
                }
                written += Int64(count)
                let now = MonotonicClock.now()
                if now - lastReport >= progressInterval {
                    lastReport = now
                    progress(BenchProgress(phase: .layingOut, testNumber: 0, testCount: 0, bytes: written, nanoseconds: now - start))
                }
            }
            try descriptor.syncData()
        } catch {
            throw BenchError.system(error)
        }
    }
}
