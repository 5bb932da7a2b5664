#if canImport(Glibc)
import Glibc
#endif

/// A dedicated OS thread for blocking I/O. The engine never runs blocking reads and writes on
/// Swift's cooperative pool, whose few threads a stuck `read` on a pipe would starve.
public final class IOThread: @unchecked Sendable {
    private var handle = pthread_t()
    private let body: @Sendable () -> Void

    private init(body: @escaping @Sendable () -> Void) { self.body = body }

    /// Starts `body` on a new thread. Returns nil if the system refused to create one.
    public static func start(_ body: @escaping @Sendable () -> Void) -> IOThread? {
        let thread = IOThread(body: body)
        let context = Unmanaged.passRetained(thread).toOpaque()
        let rc = pthread_create(&thread.handle, nil, { raw in
            let thread = Unmanaged<IOThread>.fromOpaque(raw!).takeRetainedValue()
            thread.body()
            return nil
        }, context)
        if rc != 0 {
            Unmanaged<IOThread>.fromOpaque(context).release()
            return nil
        }
        return thread
    }

    /// Waits for the thread to finish.
    public func join() { pthread_join(handle, nil) }

    /// Lets the thread finish on its own; the process may exit while it is blocked in a syscall.
    public func detach() { pthread_detach(handle) }
}

/// A monotonic clock in nanoseconds (`CLOCK_MONOTONIC`), for rates and progress timing.
public enum MonotonicClock {
    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// The C function is `nanosleep`; an interrupted sleep simply ends early.
    public static func sleep(nanoseconds: UInt64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        _ = nanosleep(&request, nil)
    }
}

/// How many processors can run threads now: the default worker count of a parallel stage.
public enum ProcessorCount {
    /// The C function is `sysconf(_SC_NPROCESSORS_ONLN)`; at least 1.
    public static var online: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// The C function is `getpid`; used to name temporary files.
public func currentProcessID() -> Int32 { getpid() }

/// The wall clock, for timestamps that are stored (an image's creation time), never for rates.
public enum WallClock {
    /// The C function is `clock_gettime(CLOCK_REALTIME)`: seconds since the Unix epoch.
    public static func secondsSinceEpoch() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }
}
