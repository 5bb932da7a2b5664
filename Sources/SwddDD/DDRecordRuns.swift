/// A run-length list of I/O unit sizes: "2048 units of 512 bytes, then one of 100".
/// dd counts records per read and per write, and a batched chunk stands for many of them;
/// keeping runs instead of one entry per unit keeps a 4 MiB chunk of 512-byte records cheap.
/// It rides on each engine chunk in dd's annotation (`DDChunkNotes`): the records that filled it.
public struct DDRecordRuns: Sendable, Equatable {
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

    /// Splits the units at a byte count, as after a write that stopped there: the units that lie
    /// entirely within the first `bytes` bytes, and the unit in which the bytes ran out (the one
    /// that failed, possibly with none of its bytes written); nil when every unit is covered.
    public func unitsCovered(byBytes bytes: Int) -> (complete: DDRecordRuns, stoppedIn: Run?) {
        var remaining = bytes
        var complete = DDRecordRuns()
        for run in runs {
            let whole = run.length == 0 ? run.repeatCount : min(run.repeatCount, remaining / run.length)
            complete.append(length: run.length, count: whole, isFull: run.isFull)
            remaining -= whole * run.length
            if whole < run.repeatCount { return (complete, Run(length: run.length, repeatCount: 1, isFull: run.isFull)) }
        }
        return (complete, nil)
    }

    /// Calls `body` with each unit's offset from the first unit, its length and whether it is full.
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
