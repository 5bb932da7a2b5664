#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SwddSystem

/// Everything dd mode writes to standard error: diagnostics, the final statistics and the
/// `status=progress` line. Thread-safe, because the reader, the consumer and the signal thread
/// all report; one lock also keeps their lines from interleaving.
public final class DDReporter: Sendable {
    public let program: String
    public let status: DDStatusLevel
    public let counters: DDCounters
    /// How file names are quoted in messages (GNU's quotes follow the locale).
    public let locale: QuotingLocale
    /// GNU's start_time and next_time: when the copy started, and when a progress line is due.
    private let clock: Mutex<(start: UInt64, nextProgress: UInt64)>
    /// Length of the progress line on screen (GNU's progress_len): a diagnostic first ends it.
    private let progressLength = Mutex(0)

    public init(program: String, status: DDStatusLevel, counters: DDCounters, locale: QuotingLocale,
                startTime: UInt64 = MonotonicClock.now()) {
        self.program = program
        self.locale = locale
        self.status = status
        self.counters = counters
        self.clock = Mutex((startTime, startTime + Self.progressInterval))
    }

    /// GNU's XTIME_PRECISION: one progress line a second at most.
    static let progressInterval: UInt64 = 1_000_000_000

    /// Restarts the clock, as GNU takes start_time once both files are open (and truncated).
    public func startClock(at now: UInt64 = MonotonicClock.now()) {
        clock.withLock { $0 = (now, now + Self.progressInterval) }
    }

    private var startTime: UInt64 { clock.withLock { $0.start } }

    /// `PROGRAM: message`, ending a progress line first as GNU's nl_error does.
    public func diagnose(_ message: String) {
        progressLength.withLock { length in
            var text = length > 0 ? "\n" : ""
            length = 0
            text += "\(program): \(message)\n"
            FileDescriptor.standardError.writeAll(text)
        }
    }

    /// Writes `text` to standard error as it is (after the summary: hash= digest lines).
    public func write(_ text: String) {
        progressLength.withLock { length in
            let prefix = length > 0 ? "\n" : ""
            length = 0
            FileDescriptor.standardError.writeAll(prefix + text)
        }
    }

    /// The records lines and (unless noxfer) the transfer line; nothing with status=none.
    public func printStatistics() {
        guard status != .none else { return }
        let elapsed = Int64(MonotonicClock.now() &- startTime)
        let stats = counters.snapshot
        progressLength.withLock { length in
            let text = DDSummary.text(stats, status: status, elapsedNanoseconds: elapsed, progressLineActive: length > 0)
            length = 0
            FileDescriptor.standardError.writeAll(text)
        }
    }

    /// Whether a serial dd would print a progress line at this point between two reads: with
    /// status=progress, once the next whole second since the start (or since the last line's
    /// deadline) has passed. GNU checks only there, so nothing is printed while a read blocks.
    public func progressIsDue(at now: UInt64) -> Bool {
        status == .progress && clock.withLock { $0.nextProgress } <= now
    }

    /// Prints the progress line for the check made at `now` and moves the deadline on by exactly
    /// one second (GNU's next_time += XTIME_PRECISION): after a stall, the next checks catch up.
    /// The caller makes sure the counters show everything read so far as written.
    public func printProgress(at now: UInt64) {
        let start = clock.withLock { clock in
            clock.nextProgress += Self.progressInterval
            return clock.start
        }
        let elapsed = Int64(bitPattern: now &- start)
        let stats = counters.snapshot
        progressLength.withLock { length in
            let line = DDProgressLine(stats, elapsedNanoseconds: elapsed, previousLength: length)
            length = line.length
            FileDescriptor.standardError.writeAll(line.text)
        }
    }
}
