import SwddBench
import SwddSystem
import Synchronization

/// What `swdd bench` prints, shared by the main thread (rows as they finish) and the signal
/// watcher (what was measured, then a line saying the run was cut short), so the two never
/// interleave and nothing is printed after the watcher has had the last word.
///
/// The table's head is printed before the first test and each row as its test ends; JSON, one
/// document, only at the end (or on the signal, with what was measured).
final class BenchOutput: Sendable {
    private struct State {
        var run: BenchRun?
        var layout: BenchReport.TableLayout?
        var plannedTests = 0
        var closed = false
    }
    private let state = Mutex(State())
    private let json: Bool
    private let progressLine: StatusLine

    init(json: Bool, progressLine: StatusLine) {
        self.json = json
        self.progressLine = progressLine
    }

    /// The target is open and the tests are known: the table's head goes out.
    func start(target: BenchTargetFacts, timeLimit: UInt64, cache: CacheDrop, writesLeftOut: Bool, tests: [BenchTest]) {
        state.withLock { state in
            guard !state.closed else { return }
            let layout = BenchReport.TableLayout(tests: tests)
            state.run = BenchRun(target: target, timeLimit: timeLimit, cache: cache, writesLeftOut: writesLeftOut, results: [])
            state.layout = layout
            state.plannedTests = tests.count
            if !json {
                progressLine.finish()
                Self.emit(BenchReport.tableHead(target: target, timeLimit: timeLimit, writesLeftOut: writesLeftOut, layout: layout))
            }
        }
    }

    /// One test is done; `cache` is what making reads cold has taken so far.
    func add(_ result: BenchResult, cache: CacheDrop) {
        state.withLock { state in
            guard !state.closed, state.run != nil, let layout = state.layout else { return }
            state.run?.results.append(result)
            state.run?.cache = cache
            if !json {
                progressLine.finish()
                Self.emit(BenchReport.tableRow(result, layout: layout))
            }
        }
    }

    /// Every test ran: the tail (or the whole JSON) from the finished run.
    func finish(_ run: BenchRun) {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            Self.emit(json ? BenchReport.json(run) : BenchReport.tableTail(run, interruptedBy: nil))
        }
    }

    /// A signal (`SIGINT`, …) ends the run: what was measured, said to be cut short. Nothing is
    /// printed afterwards, whichever thread comes next.
    func interrupt(by signal: String) {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            guard let run = state.run else { return }
            Self.emit(json ? BenchReport.json(run, interruptedBy: signal)
                           : BenchReport.tableTail(run, interruptedBy: signal, plannedTests: state.plannedTests))
        }
    }

    private static func emit(_ text: String) {
        FileDescriptor.standardOutput.writeAll(text)
    }
}
