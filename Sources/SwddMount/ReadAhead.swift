import SwddSystem

/// Decodes the chunks after a sequential reader's position on a few worker threads, so that
/// reading a disk file from start to end decompresses in parallel while the kernel is served
/// from chunks already decoded. Requests beyond what the workers can take are dropped: the
/// reader decodes such a chunk itself.
final class ReadAhead: @unchecked Sendable {
    private let cache: DecodedChunkCache
    private let monitor = ThreadMonitor()
    private var pending: [Int] = []
    private var stopping = false
    private var threads: [IOThread] = []
    /// How many chunks ahead of a sequential reader are decoded.
    let depth: Int

    init(cache: DecodedChunkCache, workers: Int, depth: Int) {
        self.cache = cache
        self.depth = depth
        for _ in 0..<max(1, workers) {
            if let thread = IOThread.start({ [self] in work() }) { threads.append(thread) }
        }
    }

    /// Asks for `indexes` to be decoded, nearest first.
    func request(_ indexes: [Int]) {
        let wanted = indexes.filter { !cache.isPresent($0) }
        guard !wanted.isEmpty else { return }
        monitor.withLock {
            for index in wanted where !pending.contains(index) { pending.append(index) }
            if pending.count > depth * 2 { pending.removeFirst(pending.count - depth * 2) }  // an old reader's wishes
            monitor.broadcast()
        }
    }

    /// Ends the workers (after the decode each is doing) and joins them.
    func stop() {
        monitor.withLock {
            stopping = true
            monitor.broadcast()
        }
        for thread in threads { thread.join() }
        threads = []
    }

    private func work() {
        while true {
            let next: Int? = monitor.withLock {
                while pending.isEmpty && !stopping { monitor.wait() }
                return stopping ? nil : pending.removeFirst()
            }
            guard let next else { return }
            cache.prefetch(next)
        }
    }
}
