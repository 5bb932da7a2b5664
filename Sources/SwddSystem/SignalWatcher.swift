#if canImport(Glibc)
import Glibc
#endif

/// Delivers signals to a dedicated thread through `sigwait`, instead of async signal handlers.
/// The signals are blocked in every thread (call `block` before starting any), so reads and
/// writes are never interrupted, and the handler may do real work such as printing statistics.
public final class SignalWatcher: @unchecked Sendable {
    private let signals: [Int32]
    private let handler: @Sendable (Int32) -> Void

    private init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        self.handler = handler
    }

    /// Blocks `signals` in the calling thread; threads started afterwards inherit the mask.
    public static func block(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts the watching thread; `handler` runs on it for each signal received.
    @discardableResult
    public static func start(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) -> SignalWatcher? {
        let watcher = SignalWatcher(signals: signals, handler: handler)
        guard let thread = IOThread.start({ watcher.loop() }) else { return nil }
        thread.detach()
        return watcher
    }

    private func loop() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        while true {
            var received: Int32 = 0
            if sigwait(&set, &received) == 0 { handler(received) }
        }
    }

    /// Ends the process by `signal` as if no handler had been installed (how GNU tools re-raise
    /// SIGINT after cleaning up, so the parent sees "killed by SIGINT").
    public static func terminate(with signal: Int32) -> Never {
        Glibc.signal(signal, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(signal)
        _exit(128 + signal)
    }

    /// Whether `signal` is currently ignored (a shell runs background jobs with SIGINT ignored,
    /// and GNU dd then leaves it alone).
    public static func isIgnored(_ signal: Int32) -> Bool {
        var action = sigaction()
        sigaction(signal, nil, &action)
        return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Ignores SIGPIPE: a write to a pipe whose reader has gone (an ssh client that died) then
    /// fails with EPIPE, which the writer reports, instead of killing the process silently.
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}
