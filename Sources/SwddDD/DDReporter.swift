#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SwddSystem

/// Everything dd mode writes to standard error: diagnostics, the final statistics and the
/// `status=progress` line. Thread-safe, because the reader, the consumer, the signal thread
/// and the progress thread all report; one lock also keeps their lines from interleaving.
public final class DDReporter: Sendable {
    public let program: String
    public let status: DDStatusLevel
    public let counters: DDCounters
    /// How file names are quoted in messages (GNU's quotes follow the locale).
    public let locale: QuotingLocale
    private let startTime: UInt64
    /// Length of the progress line on screen (GNU's progress_len): a diagnostic first ends it.
    private let progressLength = Mutex(0)

    public init(program: String, status: DDStatusLevel, counters: DDCounters, locale: QuotingLocale,
                startTime: UInt64 = MonotonicClock.now()) {
        self.program = program
        self.locale = locale
        self.status = status
        self.counters = counters
        self.startTime = startTime
    }

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

    /// Redraws the `status=progress` line.
    public func printProgress() {
        let elapsed = Int64(MonotonicClock.now() &- startTime)
        let stats = counters.snapshot
        progressLength.withLock { length in
            let line = DDProgressLine(stats, elapsedNanoseconds: elapsed, previousLength: length)
            length = line.length
            FileDescriptor.standardError.writeAll(line.text)
        }
    }
}
