import SwddSystem

/// How a stream of chunks ends: cleanly, or with the source's error after the data before it
/// (dd writes what it read before a read error, then reports it).
enum StreamEnd: @unchecked Sendable {
    case clean
    case inputFailed(any Error)
}

/// What a consumer takes from a `ChunkQueue`.
enum QueueItem: @unchecked Sendable {
    case chunk(Chunk)
    /// The end of the stream, and how many chunks came before it.
    case end(StreamEnd, chunksBefore: Int)
}

/// The hand-off between two steps of a pipeline. Holds at most the pool's chunks, so it needs
/// no bound of its own: back-pressure comes from the pool.
///
/// In `.sequence` order `take` returns chunks in sequence-number order whatever order they were
/// put in (the reorder step after a parallel stage); in `.arrival` order, as they came. The end
/// of the stream is delivered only after every chunk before it, and then to every consumer that
/// asks (it is not removed), so each of a parallel stage's workers sees it and stops.
final class ChunkQueue: @unchecked Sendable {
    enum Order { case arrival, sequence }

    private let order: Order
    private let monitor = ThreadMonitor()
    /// `.arrival`: a FIFO (`head` is the next to take). `.sequence`: slots by sequence number
    /// modulo the capacity — at most `capacity` chunks exist, so two in the queue never share a slot.
    private var slots: [Chunk?]
    private var head = 0
    private var stored = 0
    /// `.sequence`: the next sequence number to deliver.
    private var nextSequence = 0
    private var streamEnd: (end: StreamEnd, chunksBefore: Int)?
    private var taken = 0
    private var waitingConsumers = 0
    private var closed = false

    init(order: Order, capacity: Int) {
        self.order = order
        slots = Array(repeating: nil, count: max(1, capacity))
    }

    /// Adds a chunk. Returns false once the queue is closed (the run is failing).
    @discardableResult
    func put(_ chunk: Chunk) -> Bool {
        monitor.withLock {
            guard !closed else { return false }
            switch order {
            case .arrival: slots[(head + stored) % slots.count] = chunk
            case .sequence: slots[chunk.sequence % slots.count] = chunk
            }
            stored += 1
            monitor.broadcast()
            return true
        }
    }

    /// Ends the stream after `chunksBefore` chunks in all.
    func finish(_ end: StreamEnd, chunksBefore: Int) {
        monitor.withLock {
            streamEnd = (end, chunksBefore)
            monitor.broadcast()
        }
    }

    /// The next chunk, or the end of the stream once every chunk before it was taken; waits
    /// for either. nil once the queue is closed.
    func take() -> QueueItem? {
        monitor.withLock {
            while !closed {
                if let chunk = takeReady() {
                    taken += 1
                    return .chunk(chunk)
                }
                if let streamEnd, taken == streamEnd.chunksBefore { return .end(streamEnd.end, chunksBefore: taken) }
                waitingConsumers += 1
                monitor.wait()
                waitingConsumers -= 1
            }
            return nil
        }
    }

    private func takeReady() -> Chunk? {
        guard stored > 0 else { return nil }
        let index: Int
        switch order {
        case .arrival:
            index = head
            head = (head + 1) % slots.count
        case .sequence:
            index = nextSequence % slots.count
            guard let waiting = slots[index], waiting.sequence == nextSequence else { return nil }
            nextSequence += 1
        }
        let chunk = slots[index]
        slots[index] = nil
        stored -= 1
        return chunk
    }

    /// True when a consumer is blocked waiting and nothing is queued: handing over now costs no
    /// throughput and keeps latency low for slow interactive inputs.
    var consumerIsWaiting: Bool { monitor.withLock { waitingConsumers > 0 && stored == 0 } }

    /// Wakes every waiter; later puts fail and takes return nil.
    func close() {
        monitor.withLock {
            closed = true
            monitor.broadcast()
        }
    }
}
