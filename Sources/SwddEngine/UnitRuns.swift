/// A run-length list of I/O unit sizes: "2048 units of 512 bytes, then one of 100".
/// dd counts records per read and per write, and a batched chunk stands for many of them;
/// keeping runs instead of one entry per unit keeps a 4 MiB chunk of 512-byte records cheap.
public struct UnitRuns: Sendable, Equatable {
    public struct Run: Sendable, Equatable {
        /// Bytes in each unit of the run.
        public var length: Int
        /// Units in the run.
        public var repeatCount: Int
        /// Whether each unit was a complete record (dd's "full" as opposed to "partial").
        public var isFull: Bool

        public init(length: Int, repeatCount: Int, isFull: Bool) {
            self.length = length
            self.repeatCount = repeatCount
            self.isFull = isFull
        }
        public var byteCount: Int { length * repeatCount }
    }

    public private(set) var runs: [Run] = []

    public init() {}

    public init(_ runs: [Run]) {
        for run in runs { append(length: run.length, count: run.repeatCount, isFull: run.isFull) }
    }

    public var isEmpty: Bool { runs.isEmpty }

    public mutating func removeAll() { runs.removeAll(keepingCapacity: true) }

    /// Appends `count` units of `length` bytes, merging with the last run when alike.
    public mutating func append(length: Int, count: Int = 1, isFull: Bool) {
        guard count > 0 else { return }
        if let last = runs.last, last.length == length, last.isFull == isFull {
            runs[runs.count - 1].repeatCount += count
        } else {
            runs.append(Run(length: length, repeatCount: count, isFull: isFull))
        }
    }

    public var totalBytes: Int { runs.reduce(0) { $0 + $1.byteCount } }
    public var unitCount: Int { runs.reduce(0) { $0 + $1.repeatCount } }
    public var fullCount: Int { runs.reduce(0) { $0 + ($1.isFull ? $1.repeatCount : 0) } }
    public var partialCount: Int { runs.reduce(0) { $0 + ($1.isFull ? 0 : $1.repeatCount) } }

    /// How many units lie entirely within the first `bytes` bytes, and whether a further unit
    /// was started but not completed (bytes ended inside it).
    public func unitsCovered(byBytes bytes: Int) -> (complete: UnitRuns, startedIncomplete: Run?) {
        var remaining = bytes
        var complete = UnitRuns()
        for run in runs {
            guard remaining > 0 else { break }
            if run.length == 0 { complete.append(length: 0, count: run.repeatCount, isFull: run.isFull); continue }
            let whole = min(run.repeatCount, remaining / run.length)
            complete.append(length: run.length, count: whole, isFull: run.isFull)
            remaining -= whole * run.length
            if whole < run.repeatCount {
                if remaining > 0 { return (complete, Run(length: run.length, repeatCount: 1, isFull: run.isFull)) }
                return (complete, nil)
            }
        }
        return (complete, nil)
    }

    /// Calls `body` with each unit's (offset, length, isFull), merged into maximal spans of
    /// consecutive units for which `split` is false. Used to write many small units at once.
    public func forEachUnit(_ body: (_ offset: Int, _ length: Int, _ isFull: Bool) throws -> Void) rethrows {
        var offset = 0
        for run in runs {
            for _ in 0..<run.repeatCount {
                try body(offset, run.length, run.isFull)
                offset += run.length
            }
        }
    }
}
