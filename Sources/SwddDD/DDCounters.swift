import Synchronization

/// The live record and byte counts of a dd copy. The reader and consumer threads update them;
/// the signal thread (SIGUSR1) and the progress thread read them.
public final class DDCounters: Sendable {
    private let state = Mutex(DDStatistics())

    public init() {}

    public var snapshot: DDStatistics { state.withLock { $0 } }

    public func update(_ body: (inout DDStatistics) -> Void) {
        state.withLock { body(&$0) }
    }
}
