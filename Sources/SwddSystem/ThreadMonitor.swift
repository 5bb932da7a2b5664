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
        pthread_cond_init(condition, nil)
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

    /// Wakes every waiter. Call inside `withLock`, after changing what they wait for.
    public func broadcast() { pthread_cond_broadcast(condition) }
}
