/// What one test does to the target.
public enum BenchPattern: String, Sendable, CaseIterable {
    /// Sequential writes (fio `--rw=write`).
    case write
    /// Sequential reads (fio `--rw=read`).
    case read
    /// Reads at shuffled block offsets, each block once (fio `--rw=randread`).
    case randomRead = "randread"

    public var writes: Bool { self == .write }
}

/// Through the page cache, or around it with `O_DIRECT`.
public enum BenchIO: String, Sendable, CaseIterable {
    case buffered
    case direct
}

/// One row of the bench: a pattern, a cache mode, a block size and a queue depth.
public struct BenchTest: Sendable, Hashable {
    public var pattern: BenchPattern
    public var io: BenchIO
    public var blockSize: Int
    /// Requests in flight at once: 1, or the deep queue's worker count.
    public var depth: Int

    public init(pattern: BenchPattern, io: BenchIO, blockSize: Int, depth: Int) {
        self.pattern = pattern
        self.io = io
        self.blockSize = blockSize
        self.depth = depth
    }

    /// `read direct bs=1M qd=8`, as the progress line names it.
    public var label: String {
        "\(pattern.rawValue) \(io.rawValue) bs=\(ByteCount.blockSize(blockSize)) qd=\(depth)"
    }
}
