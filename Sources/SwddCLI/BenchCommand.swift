#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import SwddBench
import SwddSystem
import Synchronization

/// `swdd bench TARGET`: sequential and random throughput of a block device or a file, as fio
/// would measure it, and the dd operands that copy fastest there.
///
/// Policy lives here: a device is only written with `--write` (`writesInPlace`), and then only when
/// `TargetSafety`, the rule every front end shares, finds it not in use and claims it for the run;
/// a named file is read in place, read-only, and written on a temporary file next to it (itself
/// only with `--write`); a directory is measured on a temporary file. Temporary files are removed
/// at the end, on an error, and on SIGINT/SIGTERM/SIGHUP, which also print the rows measured so
/// far and a line saying the run was cut short.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a device's or file's throughput.",
        discussion: """
            Sequential reads and writes over a block-size sweep, buffered and with O_DIRECT, at \
            queue depth 1 and a deep queue (worker threads), and random 4K reads. Reads are cold: \
            the page cache is dropped before each test. A file is read in place, read-only; its \
            write tests use a temporary file next to it, removed afterwards, or the file itself \
            with --write. In a directory, all tests use a temporary file. Rows print as they \
            finish; on Ctrl-C (or SIGTERM) the rows measured so far stay, with a line saying the \
            run was cut short. A block device is only read unless --write is given. Even then it is not written while it (or one of its \
            partitions) is mounted, while it is active swap, or while another process holds it \
            exclusively, and bench has no --force for that: unmount or release it first. While the \
            write tests run, bench holds the device exclusively (O_EXCL).
            """)

    @Argument(help: "A block device, an existing file (read in place), or a directory (a temporary file is made in it); a missing path is an error.")
    var target: String

    @Flag(help: "Run the write tests on the block device or file itself (they destroy the data in the region); never on a device in use.")
    var write = false

    @Option(help: ArgumentHelp("Seconds per test, at most.", valueName: "seconds"))
    var time = "1"

    @Option(help: ArgumentHelp("Bytes of the target to use, from its start (K, M, G suffixes).", valueName: "bytes"))
    var size = "1G"

    @Option(name: .customLong("bs"), help: ArgumentHelp("Sequential block sizes, comma-separated.", valueName: "sizes"))
    var blockSizes = "4K,16K,64K,256K,1M,4M"

    @Option(help: ArgumentHelp("Queue depths, comma-separated: 1 and a deep queue.", valueName: "depths"))
    var depths = "1,\(BenchPlan.defaultDepth)"

    @Option(help: ArgumentHelp("Tests to run, comma-separated: read, write, randread.", valueName: "tests"))
    var tests: String?

    @Option(help: ArgumentHelp("I/O modes, comma-separated: buffered, direct.", valueName: "modes"))
    var io = "buffered,direct"

    @Flag(help: "Print the results as JSON.")
    var json = false

    @Flag(help: "Show the progress line on standard error even when it is not a terminal.")
    var progress = false

    func run() throws {
        let plan: BenchPlan
        do {
            plan = try makePlan()
            try plan.validate()
        } catch {
            Self.complain(error.message)
            throw ExitCode(1)
        }

        let scratch = ScratchFiles()
        let showProgress = progress || FileDescriptor.standardError.isTerminal
        let progressLine = StatusLine(enabled: showProgress)
        let output = BenchOutput(json: json, progressLine: progressLine)
        // Signals are taken by a watcher thread (blocked here, before any worker starts, so every
        // thread inherits the mask): it removes the temporary file, prints what was measured,
        // and ends the process by the same signal (128 + its number to a shell), however busy
        // the workers are.
        let signals = [SIGINT, SIGTERM, SIGHUP].filter { !SignalWatcher.isIgnored($0) }
        SignalWatcher.block(signals)
        SignalWatcher.start(signals) { signal in
            scratch.removeAll()
            progressLine.finish()
            output.interrupt(by: Self.signalName(signal))
            SignalWatcher.terminate(with: signal)
        }

        let run: BenchRun
        do {
            let inPlace = try Self.writesInPlace(target, flag: write, writeTestsNamed: tests != nil && plan.patterns.contains(.write))
            let claim = try Self.claimForWrites(target, writeDevice: inPlace.device)
            defer { claim?.release() }
            let benchTarget = try BenchTarget.open(target, regionSize: plan.regionSize, writeInPlace: inPlace.device || inPlace.file, scratch: scratch)
            defer { benchTarget.close() }
            let runner = BenchRunner(target: benchTarget, plan: plan)
            output.start(target: benchTarget.facts, timeLimit: plan.timeLimit, cache: benchTarget.cacheDrop,
                         writesLeftOut: runner.writesLeftOut, tests: runner.tests)
            run = try runner.run(progress: { progressLine.show($0.line) }, finished: { output.add($0, cache: $1) })
        } catch {
            progressLine.finish()
            scratch.removeAll()
            Self.complain(error.message)
            throw ExitCode(1)
        }
        progressLine.finish()
        output.finish(run)
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(signal)"
        }
    }

    /// Whether the write tests write the target itself: a block device only with `--write`,
    /// because they destroy the data on it (write tests named with `--tests` are refused without
    /// it; the default set then quietly reads only, and the report says the writes were left
    /// out); a regular file with `--write` too, else they write a temporary file next to it.
    static func writesInPlace(_ path: String, flag: Bool, writeTestsNamed: Bool) throws(BenchError) -> (device: Bool, file: Bool) {
        let kind = (try? FileStatus.of(path: path))?.kind
        if kind == .regular { return (false, flag) }
        guard kind == .blockDevice else { return (false, false) }
        if flag { return (true, false) }
        if writeTestsNamed {
            throw BenchError.refused("refusing to write to block device '\(path)' without --write: the write tests destroy the data on it")
        }
        return (false, false)
    }

    /// The device about to be written goes through `TargetSafety` (no override here: see
    /// `TargetSafety.FrontEnd.bench`); the claim is held until the bench ends.
    static func claimForWrites(_ path: String, writeDevice: Bool) throws(BenchError) -> BlockDeviceClaim? {
        guard writeDevice else { return nil }
        do {
            return try TargetSafety.claimForWriting(path, force: false, frontEnd: .bench)
        } catch {
            throw BenchError.refused(error.message)
        }
    }

    private func makePlan() throws(BenchError) -> BenchPlan {
        guard let timeLimit = BenchPlan.parseSeconds(time) else {
            throw BenchError.invalidPlan("invalid time '\(time)': expected seconds, e.g. 1 or 0.5")
        }
        guard let regionSize = ByteCount.parse(size) else {
            throw BenchError.invalidPlan("invalid size '\(size)': expected bytes, e.g. 256M or 1G")
        }
        let sizes = try BenchPlan.parseBlockSizes(blockSizes).get()
        var depthList: [Int] = []
        for item in depths.split(separator: ",", omittingEmptySubsequences: false) {
            guard let depth = Int(item) else { throw BenchError.invalidPlan("invalid queue depth '\(item)'") }
            if !depthList.contains(depth) { depthList.append(depth) }
        }
        var patterns: [BenchPattern] = BenchPattern.allCases
        if let tests {
            patterns = []
            for item in tests.split(separator: ",", omittingEmptySubsequences: false) {
                guard let pattern = BenchPattern(rawValue: String(item)) else {
                    throw BenchError.invalidPlan("invalid test '\(item)': expected read, write or randread")
                }
                if !patterns.contains(pattern) { patterns.append(pattern) }
            }
        }
        var modes: [BenchIO] = []
        for item in io.split(separator: ",", omittingEmptySubsequences: false) {
            guard let mode = BenchIO(rawValue: String(item)) else {
                throw BenchError.invalidPlan("invalid I/O mode '\(item)': expected buffered or direct")
            }
            if !modes.contains(mode) { modes.append(mode) }
        }
        return BenchPlan(blockSizes: sizes, modes: modes, depths: depthList, patterns: patterns,
                         timeLimit: timeLimit, regionSize: regionSize)
    }

    /// One `swdd: …` line on standard error.
    static func complain(_ message: String) {
        FileDescriptor.standardError.writeAll("swdd: \(message)\n")
    }

    static func emit(_ text: String) {
        FileDescriptor.standardOutput.writeAll(text)
    }
}
