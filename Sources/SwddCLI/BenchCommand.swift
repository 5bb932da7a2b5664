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
/// Policy lives here: a device is only written with `--write` (`deviceWrites`), and then only when
/// `TargetSafety`, the rule every front end shares, finds it not in use and claims it for the run;
/// a file or directory is measured on a temporary file that is removed at the end, on an error,
/// and on SIGINT/SIGTERM/SIGHUP.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a device's or file's throughput.",
        discussion: """
            Sequential reads and writes over a block-size sweep, buffered and with O_DIRECT, at \
            queue depth 1 and a deep queue (worker threads), and random 4K reads. Reads are cold: \
            the page cache is dropped before each test. On a file or directory the tests use \
            a temporary file next to it (or inside it), removed afterwards. A block device is only \
            read unless --write is given. Even then it is not written while it (or one of its \
            partitions) is mounted, while it is active swap, or while another process holds it \
            exclusively, and bench has no --force for that: unmount or release it first. While the \
            write tests run, bench holds the device exclusively (O_EXCL).
            """)

    @Argument(help: "A block device, an existing file, or a directory (a temporary file is made in it); a missing path is an error.")
    var target: String

    @Flag(help: "Allow the write tests on a block device (they destroy the data in the region); never on one in use.")
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
        // Signals are taken by a watcher thread (blocked here, before any worker starts, so every
        // thread inherits the mask): it removes the temporary file and ends the process by the
        // same signal, however busy the workers are.
        let signals = [SIGINT, SIGTERM, SIGHUP].filter { !SignalWatcher.isIgnored($0) }
        SignalWatcher.block(signals)
        SignalWatcher.start(signals) { signal in
            scratch.removeAll()
            progressLine.finish()
            SignalWatcher.terminate(with: signal)
        }

        let run: BenchRun
        do {
            let writeDevice = try Self.deviceWrites(target, flag: write, writeTestsNamed: tests != nil && plan.patterns.contains(.write))
            let claim = try Self.claimForWrites(target, writeDevice: writeDevice)
            defer { claim?.release() }
            let benchTarget = try BenchTarget.open(target, regionSize: plan.regionSize, writeDevice: writeDevice, scratch: scratch)
            defer { benchTarget.close() }
            run = try BenchRunner(target: benchTarget, plan: plan).run { progressLine.show($0.line) }
        } catch {
            progressLine.finish()
            scratch.removeAll()
            Self.complain(error.message)
            throw ExitCode(1)
        }
        progressLine.finish()
        Self.emit(json ? BenchReport.json(run) : BenchReport.table(run))
    }

    /// Whether a block device's write tests run: only with `--write`, because they destroy the
    /// data on it. Write tests named with `--tests` are refused without it; the default set then
    /// quietly reads only (the report says the writes were left out). Files and directories are
    /// written on a temporary file, so this does not concern them.
    static func deviceWrites(_ path: String, flag: Bool, writeTestsNamed: Bool) throws(BenchError) -> Bool {
        guard (try? FileStatus.of(path: path))?.kind == .blockDevice else { return false }
        if flag { return true }
        if writeTestsNamed {
            throw BenchError.refused("refusing to write to block device '\(path)' without --write: the write tests destroy the data on it")
        }
        return false
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
