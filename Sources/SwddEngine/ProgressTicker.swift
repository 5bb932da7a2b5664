import SwddSystem

/// Calls `tick` on a thread of its own every `interval` until stopped: the clock behind the
/// engine's `ProgressLine` displays. The front end's formatter reads the counters; the copy loop
/// never prints. (dd's `status=progress` is not on it: GNU prints only between reads, so dd mode
/// checks its own clock there — `DDReporter.progressIsDue`.)
public final class ProgressTicker: @unchecked Sendable {
    private let monitor = ThreadMonitor()
    private var stopped = false
    private var thread: IOThread?

    /// Starts ticking; nil if no thread could be started (the copy then runs without progress).
    public static func start(interval nanoseconds: UInt64, tick: @escaping @Sendable () -> Void) -> ProgressTicker? {
        let ticker = ProgressTicker()
        guard let thread = IOThread.start({ ticker.loop(interval: nanoseconds, tick: tick) }) else { return nil }
        ticker.thread = thread
        return ticker
    }

    private func loop(interval: UInt64, tick: () -> Void) {
        var next = MonotonicClock.now() + interval
        while true {
            let stop: Bool = monitor.withLock {
                while !stopped {
                    let now = MonotonicClock.now()
                    if now >= next { break }
                    monitor.wait(nanoseconds: next - now)
                }
                return stopped
            }
            if stop { return }
            tick()
            next += interval
        }
    }

    /// Stops and joins the thread: no tick runs after this returns.
    public func stop() {
        monitor.withLock {
            stopped = true
            monitor.broadcast()
        }
        thread?.join()
        thread = nil
    }
}
