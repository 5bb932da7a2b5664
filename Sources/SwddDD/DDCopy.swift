#if canImport(Glibc)
import Glibc
#endif
import SwddEngine
import SwddSystem

/// dd mode end to end: open, skip/seek, copy (kernel path or the engine's pipeline), the
/// final flush and sync, statistics and the exit status — GNU dd 9.1's main and dd_copy.
public enum DDCopy {
    /// Target size of a pipeline chunk between files: large enough that syscalls are rare,
    /// small enough to stay in cache while the writer consumes it.
    static let fileChunkSize = 1 << 20
    /// Target chunk size when a block device or O_DIRECT is involved: one large request keeps
    /// more I/O in flight at the device (measured on a loop device: 1.6× dd's `oflag=direct`
    /// at 4 MiB, against 1.0× at 1 MiB).
    static let deviceChunkSize = 4 << 20

    /// Four chunks keep the reader and writer busy. Records so large that one chunk is already
    /// big get fewer: two still overlap reading and writing; past 256 MiB (bs=512M, bs=1G) one
    /// (reading and writing then take turns, as in dd). This is a wish: `DDBuffers` takes one
    /// chunk first and the rest only as memory allows, so swdd runs wherever dd's single buffer fits.
    /// Each stage thread holds a chunk while it works, so stages get one more each — except for
    /// huge records, where memory matters more than overlap.
    static func chunkCount(forChunkSize size: Int, stageThreads: Int = 0) -> Int {
        size > 256 << 20 ? 1 : size > 64 << 20 ? 2 : 4 + stageThreads
    }

    /// Runs the copy and returns the exit status. Whether a busy block device may be written is
    /// the CLI's policy, decided before this is called (`TargetSafety`).
    public static func run(_ settings: DDSettings, program: String, locale: QuotingLocale) -> Int32 {
        let counters = DDCounters()
        let reporter = DDReporter(program: program, status: settings.status, counters: counters, locale: locale)
        let hashing = DDHashing(settings)
        installSignalHandling(reporter)
        // What the copy leaves for the end, as GNU's main finds it after dd_copy.
        var forcesSync = false
        var advisor: DDCacheAdvisor?
        var endpoints: (input: DDEndpoint, output: DDEndpoint)?
        do {
            let input = try DDEndpoints.openInput(settings, locale: locale)
            let opened = try DDEndpoints.openOutput(settings, locale: locale)
            endpoints = (input, opened)
            reporter.startClock()
            let inputStart = (try? input.descriptor.seek(offset: 0, from: .current)) ?? -1
            advisor = DDCacheAdvisor(settings, input: input.descriptor, inputOffset: inputStart >= 0 ? inputStart : nil, output: opened)
            var status: Int32
            var reportsDigests = true
            do {
                (status, forcesSync) = try copy(settings, input: input, inputStart: inputStart, output: opened, hashing: hashing,
                                                advisor: advisor, reporter: reporter, counters: counters)
            } catch let error where error.returnsFromCopy {
                reporter.diagnose(error.message)
                status = 1
                forcesSync = error.forcesSync
                reportsDigests = false
            }
            switch synchronize(settings, output: opened, forced: forcesSync, reporter: reporter) {
            case .synced: break
            case .fdatasyncFailed: status = 1
            case .fsyncFailed: status = 1; reportsDigests = false
            }
            if let advisor, !dropCaches(advisor, input: input, output: opened, reporter: reporter) { status = 1 }
            // GNU's cleanup dies when a close fails: no statistics.
            if !closeBoth(input, opened, reporter: reporter) { return 1 }
            reporter.printStatistics()
            if reportsDigests && !hashing.isEmpty && !report(hashing, settings: settings, reporter: reporter) { status = 1 }
            return status
        } catch {
            if !error.message.isEmpty { reporter.diagnose(error.message) }
            // GNU's quit: cleanup syncs the output and closes both files, and dies if either
            // fails, before the statistics.
            if error.printsStatistics, let endpoints {
                if synchronize(settings, output: endpoints.output, forced: forcesSync || error.forcesSync, reporter: reporter) != .synced
                    || !closeBoth(endpoints.input, endpoints.output, reporter: reporter) {
                    return 1
                }
            }
            if error.printsStatistics { reporter.printStatistics() }
            return 1
        }
    }

    /// GNU's end of main for nocache: the last advice (to the end of the file, or what is
    /// pending); after count=0 the one that cannot be given is reported, even with status=none.
    /// Returns false when something was reported.
    private static func dropCaches(_ advisor: DDCacheAdvisor, input: DDEndpoint, output: DDEndpoint, reporter: DDReporter) -> Bool {
        let failures = advisor.finish()
        for failure in failures {
            let isInput = failure.side == .input
            reporter.diagnose(DDMessages.failedToDiscardCache(isInput ? input.name : output.name, isInput: isInput,
                                                              reason: failure.error.description, locale: reporter.locale))
        }
        return failures.isEmpty
    }

    /// The signals dd mode handles: SIGUSR1 (GNU ignores it when POSIXLY_CORRECT is set) and
    /// SIGINT (unless it is ignored, as in a shell's background job).
    static var handledSignals: [Int32] {
        var signals: [Int32] = []
        if ProcessEnvironment.value(of: "POSIXLY_CORRECT") == nil { signals.append(SIGUSR1) }
        if !SignalWatcher.isIgnored(SIGINT) { signals.append(SIGINT) }
        return signals
    }

    /// Blocks the handled signals at once, at start-up: one that arrives before the copy starts
    /// waits for the watcher instead of killing the process (SIGUSR1's default action), however
    /// long start-up takes on a loaded machine. Call before any thread is started.
    public static func blockSignalsEarly() { SignalWatcher.block(handledSignals) }

    /// SIGUSR1 prints statistics and the copy goes on; SIGINT prints them and the process dies
    /// of SIGINT.
    static func installSignalHandling(_ reporter: DDReporter) {
        let signals = handledSignals
        guard !signals.isEmpty else { return }
        SignalWatcher.block(signals)
        SignalWatcher.start(signals) { signal in
            reporter.printStatistics()
            if signal == SIGINT { SignalWatcher.terminate(with: SIGINT) }
        }
    }

    /// GNU's cleanup: closing can report a delayed write error (NFS, quotas), which is fatal.
    /// Returns false when a close failed (after saying so).
    private static func closeBoth(_ input: DDEndpoint, _ output: DDEndpoint, reporter: DDReporter) -> Bool {
        do {
            try input.descriptor.close()
        } catch {
            reporter.diagnose(DDMessages.closingInputFile(input.name, reason: error.reason, locale: reporter.locale))
            return false
        }
        do {
            try output.descriptor.close()
        } catch {
            reporter.diagnose(DDMessages.closingOutputFile(output.name, reason: error.reason, locale: reporter.locale))
            return false
        }
        return true
    }

    /// hash=: the digest lines go to standard error after the summary (unless status=none) and
    /// to hashlog=. Returns false when the log could not be written (after saying so).
    private static func report(_ hashing: DDHashing, settings: DDSettings, reporter: DDReporter) -> Bool {
        let lines = hashing.lines(outputName: settings.outputPath ?? "-")
        if settings.status != .none { reporter.write(lines) }
        guard let path = settings.hashLogPath else { return true }
        do throws(SystemError) {
            let log = try FileDescriptor.open(path, flags: [.writeOnly, .create, .truncate, .closeOnExec])
            do {
                try log.writeAll(text: lines)
            } catch {
                try? log.close()
                throw error.error
            }
            try log.close()
        } catch {
            reporter.diagnose(DDMessages.failedToWriteHashLog(path, reason: error.reason, locale: reporter.locale))
            return false
        }
        return true
    }

    /// GNU's dd_copy: skip and seek, then the copy. Returns the status and whether the output
    /// must be fsynced because O_DIRECT was dropped for a short write.
    static func copy(_ settings: DDSettings, input: DDEndpoint, inputStart: Int64, output: DDEndpoint, hashing: DDHashing,
                     advisor: DDCacheAdvisor?, reporter: DDReporter, counters: DDCounters) throws(DDFatalError) -> (Int32, Bool) {
        let partialReadWarning = DDPartialReadWarning(enabled: settings.warnPartialRead, reporter: reporter)
        let skip = try DDPositioning.skipInput(input, settings: settings, startOffset: inputStart, reporter: reporter,
                                               partialReadWarning: partialReadWarning)
        if skip.fellShort && settings.status != .none {
            reporter.diagnose(DDMessages.cannotSkipToSpecifiedOffset(input.name, locale: reporter.locale))
        }
        if skip.offset >= 0 { advisor?.inputAdvanced(to: skip.offset) }
        _ = try DDPositioning.seekOutput(output, settings: settings, locale: reporter.locale)
        // count=0: nothing is read (nocache's advice to the end of the file comes at the end).
        if settings.copiesNothing { return (0, false) }

        // GNU allocates its buffers here, after skip and seek and before the first read; so does
        // swdd, before a kernel path moves anything: a bs= that cannot be had copies nothing.
        let plan = PipelinePlan(settings, input: input, output: output, hashing: hashing)
        let buffers = try DDBuffers.allocate(settings, chunkSize: plan.chunkSize, chunkCount: plan.chunkCount, alignment: plan.alignment)

        var recordsAlreadyRead: UInt64 = 0
        // The kernel paths move data nobody sees: not when it must be hashed.
        if hashing.isEmpty && DDSpliceCopy.isEligible(settings, input: input, output: output) {
            switch DDSpliceCopy(settings: settings, input: input, output: output, counters: counters, reporter: reporter).run() {
            case .done:
                return (0, false)
            case .writeFailed(let error):
                // A record of two buffers fails in GNU's write_output, which quits; one buffer's
                // write fails in dd_copy, which returns.
                if settings.conversions.contains(.twoBuffers) {
                    throw DDFatalError(message: DDMessages.writingTo(output.name, reason: error.reason, locale: reporter.locale),
                                       printsStatistics: true)
                }
                throw DDFatalError(message: DDMessages.errorWriting(output.name, reason: error.reason, locale: reporter.locale),
                                   printsStatistics: true, returnsFromCopy: true)
            case .unsupported:
                break
            }
        } else if hashing.isEmpty && DDKernelCopy.isEligible(settings, input: input, output: output) {
            recordsAlreadyRead = DDKernelCopy(settings: settings, input: input, output: output, counters: counters, reporter: reporter).run()
            if recordsAlreadyRead > 0, let offset = try? input.descriptor.seek(offset: 0, from: .current) { advisor?.inputAdvanced(to: offset) }
        }
        return try runPipeline(settings, plan: plan, buffers: buffers, input: input, skip: skip, partialReadWarning: partialReadWarning,
                               output: output, hashing: hashing, advisor: advisor,
                               recordsAlreadyRead: recordsAlreadyRead, reporter: reporter, counters: counters)
    }

    /// How the pipeline will run, decided before anything is allocated.
    struct PipelinePlan {
        /// Translation first (GNU translates a buffer before swab and re-blocking), on every
        /// core; then the digests, each on a thread of its own.
        var steps: [PipelineStep] = []
        var chunkSize: Int
        var chunkCount: Int
        var alignment: Int
        /// With a memory device on one side (and no disk on the other) there is nothing to
        /// overlap: one thread and one cached chunk are faster.
        var runsInline: Bool

        init(_ settings: DDSettings, input: DDEndpoint, output: DDEndpoint, hashing: DDHashing) {
            if let table = settings.translation {
                steps.append(PipelineStep(DDTranslationStage(table: table), threading: .parallel(workers: ProcessorCount.online)))
            }
            steps += hashing.steps
            alignment = max(4096, sectorSize(input), sectorSize(output))
            let deviceIO = input.status.kind == .blockDevice || output.status.kind == .blockDevice
                || settings.inputFlags.contains(.direct) || settings.outputFlags.contains(.direct)
            chunkSize = DDCopy.chunkSize(ibs: settings.inputBlockSize, obs: settings.outputBlockSize,
                                         target: deviceIO ? deviceChunkSize : fileChunkSize)
            runsInline = (input.status.isMemoryDevice && output.status.kind != .blockDevice)
                || (output.status.isMemoryDevice && input.status.kind != .blockDevice)
            // An inline run uses one chunk.
            chunkCount = runsInline ? 1 : DDCopy.chunkCount(forChunkSize: chunkSize, stageThreads: steps.reduce(0) { $0 + $1.workerCount })
        }
    }

    private static func runPipeline(_ settings: DDSettings, plan: PipelinePlan, buffers: DDBuffers, input: DDEndpoint,
                                    skip: DDPositioning.InputSkip, partialReadWarning: DDPartialReadWarning, output: DDEndpoint,
                                    hashing: DDHashing, advisor: DDCacheAdvisor?, recordsAlreadyRead: UInt64,
                                    reporter: DDReporter, counters: DDCounters) throws(DDFatalError) -> (Int32, Bool) {
        let ibs = settings.inputBlockSize
        let obs = settings.outputBlockSize
        // O_DIRECT rejects unaligned sizes; batching could make a bad size happen to align, so
        // keep GNU's exact request sizes there and let the kernel give GNU's error.
        let readsBatched = (input.status.kind.readsAreFull || input.status.isMemoryDevice)
            && !(settings.inputFlags.contains(.direct) && ibs % sectorSize(input, fallback: 512) != 0)
        let writesBatched = (output.status.kind == .regular || output.status.kind == .blockDevice || output.status.isMemoryDevice)
            && !(settings.outputFlags.contains(.direct) && obs % sectorSize(output, fallback: 512) != 0)
        // Where reading starts: after skip=, and after whatever the kernel copy already moved.
        let inputOffset = skip.offset >= 0 ? ((try? input.descriptor.seek(offset: 0, from: .current)) ?? -1) : -1
        let reader = DDReader(input: input.descriptor, name: input.name, settings: settings, reporter: reporter,
                              batched: readsBatched, startOffset: inputOffset, seekable: inputOffset >= 0,
                              recordsAlreadyRead: recordsAlreadyRead,
                              skipsHoles: settings.conversions.contains(.sparse) && input.status.kind == .regular
                                && !settings.conversions.contains(.block) && !settings.conversions.contains(.unblock),
                              inputSize: input.status.size, partialReadWarning: partialReadWarning)
        let writer = DDWriter(output: output.descriptor, settings: settings, counters: counters,
                              batched: writesBatched, logsWrites: advisor != nil, digests: hashing.writerDigests)
        let converter = buffers.converterBuffer.map { DDConverter(settings: settings, writer: writer, counters: counters, buffer: $0) }
        let sink = DDSink(writer: writer, converter: converter, counters: counters, advisor: advisor) { failure in
            if let failure { reporter.diagnose(DDMessages.errorReading(input.name, reason: failure.reason, locale: reporter.locale)) }
        }
        do {
            let pipeline = Pipeline(pool: buffers.pool, source: reader, steps: plan.steps, sink: sink)
            if plan.runsInline { try pipeline.runInline() } else { try pipeline.run() }
        } catch let outcome as DDSink.Outcome {
            switch outcome {
            case .writeFailed(let error, let oneBuffer):
                // "error writing": GNU's dd_copy returns (main syncs and drops the cache);
                // "writing to": its write_output quits.
                let message = oneBuffer ? DDMessages.errorWriting(output.name, reason: error.reason, locale: reporter.locale)
                                        : DDMessages.writingTo(output.name, reason: error.reason, locale: reporter.locale)
                throw DDFatalError(message: message, printsStatistics: true, returnsFromCopy: oneBuffer,
                                   forcesSync: writer.needsSyncAtEnd)
            }
        } catch {
            // Pipeline.Failure: the reader thread could not be started.
            throw DDFatalError(message: "cannot start the reader thread: \(SystemError.describe(.resourceTemporarilyUnavailable))", printsStatistics: true)
        }
        if reader.reachedEndOfInput { advisor?.noteEndOfInput() }
        let status: Int32 = sink.inputFailed ? 1 : 0
        try extendSparseOutput(output, writer: writer, reporter: reporter)
        return (status, writer.needsSyncAtEnd)
    }

    /// GNU's end of dd_copy: a file whose last blocks conv=sparse seeked over is extended to
    /// its length.
    private static func extendSparseOutput(_ output: DDEndpoint, writer: DDWriter, reporter: DDReporter) throws(DDFatalError) {
        let fd = output.descriptor
        guard writer.finalOpWasSeek, output.status.kind == .regular,
              let position = try? fd.seek(offset: 0, from: .current), let current = try? fd.status(), current.size < position else { return }
        do {
            try fd.truncate(to: position)
        } catch {
            throw DDFatalError(message: DDMessages.failedToTruncate(size: position, path: output.name, reason: error.reason, locale: reporter.locale),
                               printsStatistics: true, returnsFromCopy: true, forcesSync: writer.needsSyncAtEnd)
        }
    }

    enum SyncOutcome { case synced, fdatasyncFailed, fsyncFailed }

    /// GNU's synchronize_output: fdatasync and/or fsync as conv= asks, or fsync because O_DIRECT
    /// was dropped (`forced`); an fdatasync the file does not support falls back to fsync.
    static func synchronize(_ settings: DDSettings, output: DDEndpoint, forced: Bool, reporter: DDReporter) -> SyncOutcome {
        let fd = output.descriptor
        var outcome = SyncOutcome.synced
        var wantsFsync = settings.conversions.contains(.fsync) || forced
        if settings.conversions.contains(.fdatasync) {
            do {
                try fd.syncData()
            } catch {
                if error.code != .noFunction && error.code != .invalidArgument {
                    reporter.diagnose(DDMessages.fdatasyncFailed(output.name, reason: error.reason, locale: reporter.locale))
                    outcome = .fdatasyncFailed
                }
                wantsFsync = true
            }
        }
        if wantsFsync {
            do {
                try fd.sync()
            } catch {
                reporter.diagnose(DDMessages.fsyncFailed(output.name, reason: error.reason, locale: reporter.locale))
                return .fsyncFailed
            }
        }
        return outcome
    }

    static func sectorSize(_ endpoint: DDEndpoint, fallback: Int = 0) -> Int {
        guard endpoint.status.kind == .blockDevice,
              let geometry = try? BlockDeviceGeometry.of(endpoint.descriptor) else { return fallback }
        return geometry.logicalSectorSize
    }

    /// A whole number of input records (the reader's unit) and, when cheap, of output
    /// records too, so whole output blocks pass through without copying.
    static func chunkSize(ibs: Int, obs: Int, target: Int) -> Int {
        let both = Int(lcm(Int64(ibs), Int64(obs)))
        let unit = both <= 8 << 20 ? both : ibs
        return max(unit, (target / unit) * unit)
    }
}
