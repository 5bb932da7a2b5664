#if canImport(Glibc)
import Glibc
#endif

/// A bounded FIFO between threads, with back-pressure: `put` waits while full, `take` waits
/// while empty. Built on a pthread mutex and condition variables because the engine's threads
/// are dedicated OS threads that block, not tasks.
///
/// It also tracks items that were taken but not yet marked done, so a producer can wait until
/// the consumer has finished everything handed to it (`waitUntilDrained`).
public final class SignalingQueue<Element>: @unchecked Sendable {
    private var items: [Element?]
    private var head = 0
    private var stored = 0
    private var unfinished = 0
    private var waitingConsumers = 0
    private var closed = false
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let drained = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init(capacity: Int) {
        items = Array(repeating: nil, count: max(1, capacity))
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(notEmpty, nil)
        pthread_cond_init(notFull, nil)
        pthread_cond_init(drained, nil)
    }

    deinit {
        pthread_cond_destroy(notEmpty)
        pthread_cond_destroy(notFull)
        pthread_cond_destroy(drained)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        notEmpty.deallocate()
        notFull.deallocate()
        drained.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Appends, waiting while the queue is full. Returns false if the queue was closed.
    @discardableResult
    public func put(_ element: Element) -> Bool {
        locked {
            while stored == items.count && !closed { pthread_cond_wait(notFull, mutex) }
            if closed { return false }
            items[(head + stored) % items.count] = element
            stored += 1
            unfinished += 1
            pthread_cond_signal(notEmpty)
            return true
        }
    }

    /// Removes the oldest element, waiting while empty. Returns nil once closed and empty.
    public func take() -> Element? {
        locked {
            while stored == 0 && !closed {
                waitingConsumers += 1
                pthread_cond_wait(notEmpty, mutex)
                waitingConsumers -= 1
            }
            guard stored > 0 else { return nil }
            let element = items[head]
            items[head] = nil
            head = (head + 1) % items.count
            stored -= 1
            pthread_cond_signal(notFull)
            return element
        }
    }

    /// Marks one taken element as fully processed (see `waitUntilDrained`).
    public func markDone() {
        locked {
            unfinished -= 1
            if unfinished == 0 { pthread_cond_broadcast(drained) }
        }
    }

    /// Waits until every element put so far has been taken and marked done.
    public func waitUntilDrained() {
        locked {
            while unfinished > 0 && !closed { pthread_cond_wait(drained, mutex) }
        }
    }

    /// True when a consumer is blocked waiting for an element: handing over now costs no
    /// throughput and keeps latency low for slow interactive inputs.
    public var consumerIsWaiting: Bool { locked { waitingConsumers > 0 && stored == 0 } }

    /// Wakes every waiter; later puts fail and takes return what is left, then nil.
    public func close() {
        locked {
            closed = true
            pthread_cond_broadcast(notEmpty)
            pthread_cond_broadcast(notFull)
            pthread_cond_broadcast(drained)
        }
    }
}
