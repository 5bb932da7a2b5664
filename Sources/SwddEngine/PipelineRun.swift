import SwddSystem

/// The state one run of a pipeline shares between its threads: the first failure, which ends
/// every step, and the hand-off counts a source may wait on.
final class PipelineRun: @unchecked Sendable {
    private let monitor = ThreadMonitor()
    private var firstFailure: (any Error)?
    private var queues: [ChunkQueue] = []
    private let pool: ChunkPool
    private var handedOver = 0
    private var takenBySink = 0

    init(pool: ChunkPool) { self.pool = pool }

    func adopt(_ queues: [ChunkQueue]) { self.queues = queues }

    /// The first error any thread reported; later ones are consequences of the shutdown.
    var failure: (any Error)? { monitor.withLock { firstFailure } }

    /// Records the first error, closes every queue and the pool: every thread blocked on a
    /// hand-off wakes and stops. Only a thread blocked in a system call (a read from a pipe
    /// that never ends) stays blocked; the pipeline detaches that one.
    func fail(_ error: any Error) {
        let first: Bool = monitor.withLock {
            guard firstFailure == nil else { return false }
            firstFailure = error
            monitor.broadcast()
            return true
        }
        guard first else { return }
        for queue in queues { queue.close() }
        pool.shutDown()
    }

    var firstStepIsWaiting: Bool { queues.first?.consumerIsWaiting ?? false }

    func noteHandedOver() { monitor.withLock { handedOver += 1 } }

    func noteTakenBySink() {
        monitor.withLock {
            takenBySink += 1
            monitor.broadcast()
        }
    }

    func waitUntilSinkCaughtUp() {
        monitor.withLock {
            while takenBySink < handedOver && firstFailure == nil { monitor.wait() }
        }
    }
}
