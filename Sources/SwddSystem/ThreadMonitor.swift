#if canImport(Glibc)
import Glibc
#endif

/// A lock with one condition variable (a monitor): the blocking hand-offs between the engine's
/// threads are built on it. pthreads, because those threads are dedicated OS threads that
/// block in system calls, not tasks; `Synchronization.Mutex` has no condition to wait on.
///
/// Waiters always re-check their condition in a loop after `wait`, so one condition shared by
/// several kinds of waiter (and `broadcast` to wake them) is correct; with a handful of
/// threads the extra wake-ups cost nothing measurable.
public final class ThreadMonitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() {
        pthread_mutex_init(mutex, nil)
        // Timed waits measure on the monotonic clock, so a change of the wall clock cannot
        // stretch or cut them.
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` holding the lock.
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Releases the lock, sleeps until `broadcast`, takes the lock again. Call inside `withLock`
    /// only, in a loop that re-checks what it waits for (wake-ups may be spurious).
    public func wait() { pthread_cond_wait(condition, mutex) }

    /// Like `wait`, but returns after `nanoseconds` at the latest.
    public func wait(nanoseconds: UInt64) {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let total = UInt64(deadline.tv_nsec) + nanoseconds
        deadline.tv_sec += Int(total / 1_000_000_000)
        deadline.tv_nsec = Int(total % 1_000_000_000)
        _ = pthread_cond_timedwait(condition, mutex, &deadline)
    }

    /// Wakes every waiter. Call inside `withLock`, after changing what they wait for.
    public func broadcast() { pthread_cond_broadcast(condition) }
}
