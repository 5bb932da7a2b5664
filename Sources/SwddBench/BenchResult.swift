/// What one test measured.
public struct BenchMeasurement: Sendable, Equatable {
    public var bytes: Int64
    /// Wall time from the first request to the last, plus the closing `fdatasync` of a write test.
    public var nanoseconds: UInt64
    /// True when the test stopped at the end of the region rather than at its time limit.
    public var coveredRegion: Bool

    public init(bytes: Int64, nanoseconds: UInt64, coveredRegion: Bool) {
        self.bytes = bytes
        self.nanoseconds = max(nanoseconds, 1)
        self.coveredRegion = coveredRegion
    }

    public var bytesPerSecond: Double { Double(bytes) * 1e9 / Double(nanoseconds) }
}

/// One row: the test and what came of it.
public struct BenchResult: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case measured(BenchMeasurement)
        /// Not run, and why (e.g. `O_DIRECT` unsupported on this file system).
        case skipped(String)
    }
    public var test: BenchTest
    public var outcome: Outcome

    public init(test: BenchTest, outcome: Outcome) {
        self.test = test
        self.outcome = outcome
    }

    public var measurement: BenchMeasurement? {
        if case .measured(let m) = outcome { return m }
        return nil
    }

    /// Requests per second.
    public var iops: Double? {
        measurement.map { Double($0.bytes / Int64(test.blockSize)) * 1e9 / Double($0.nanoseconds) }
    }
}

/// Everything one `swdd bench` found: the input of the table and JSON formatters.
public struct BenchRun: Sendable, Equatable {
    public var target: BenchTargetFacts
    /// Nanoseconds each test was allowed.
    public var timeLimit: UInt64
    public var cache: CacheDrop
    /// True when write tests were left out because the device was not opened with `--write`.
    public var writesLeftOut: Bool
    public var results: [BenchResult]

    public init(target: BenchTargetFacts, timeLimit: UInt64, cache: CacheDrop, writesLeftOut: Bool, results: [BenchResult]) {
        self.target = target
        self.timeLimit = timeLimit
        self.cache = cache
        self.writesLeftOut = writesLeftOut
        self.results = results
    }

    public var recommendation: Recommendation { Recommendation(results) }
}
