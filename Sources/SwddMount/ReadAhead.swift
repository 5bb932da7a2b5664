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
        pending.reserveCapacity(depth * 3)
        for _ in 0..<max(1, workers) {
            if let thread = IOThread.start({ [self] in work() }) { threads.append(thread) }
        }
    }

    /// Asks for the chunks of `indexes` that hold data to be decoded, nearest first. Called
    /// on every sequential read: it allocates nothing, and wakes the workers only when there is
    /// a chunk neither cached nor on its way.
    func request(_ indexes: Range<Int>) {
        monitor.withLock {
            var added = false
            for index in indexes where !cache.chunks.isZero(chunk: index) && !pending.contains(index) && !cache.isPresent(index) {
                pending.append(index)
                added = true
            }
            guard added else { return }
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
