/// Which tests to run and how long each may take: a value, validated once, then only read.
///
/// Each test ends after `timeLimit` or one pass over `regionSize` bytes, whichever comes first
/// (fio's `--runtime` with `--size`, without `--time_based`): every byte is read or written at
/// most once, so a read is never served by the cache a previous pass filled and a buffered write
/// is never a rewrite of pages still in memory.
public struct BenchPlan: Sendable, Equatable {
    /// Sequential block sizes, 4K … 4M by default.
    public var blockSizes: [Int]
    /// Block size of the random-read test.
    public var randomBlockSize: Int
    public var modes: [BenchIO]
    /// Queue depths to run each test at: 1 and a deep queue.
    public var depths: [Int]
    /// Patterns asked for; writes to a block device still need `writeAllowed`.
    public var patterns: [BenchPattern]
    /// Nanoseconds per test.
    public var timeLimit: UInt64
    /// Bytes of the target used, from offset 0; capped at a device's size.
    public var regionSize: Int64

    public static let defaultBlockSizes = [4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20]
    public static let defaultDepth = 8
    public static let defaultRegionSize: Int64 = 1 << 30
    public static let defaultTimeLimit: UInt64 = 1_000_000_000
    /// More threads than this measure the scheduler, not the device.
    public static let maximumDepth = 256
    /// Larger blocks buy nothing and a buffer per worker must fit in memory.
    public static let maximumBlockSize = 256 << 20

    public init(blockSizes: [Int] = defaultBlockSizes, randomBlockSize: Int = 4096,
                modes: [BenchIO] = BenchIO.allCases, depths: [Int] = [1, defaultDepth],
                patterns: [BenchPattern] = BenchPattern.allCases,
                timeLimit: UInt64 = defaultTimeLimit, regionSize: Int64 = defaultRegionSize) {
        self.blockSizes = blockSizes
        self.randomBlockSize = randomBlockSize
        self.modes = modes
        self.depths = depths
        self.patterns = patterns
        self.timeLimit = timeLimit
        self.regionSize = regionSize
    }

    /// Every rule about what combines, in one place. Messages are the text after `swdd: `.
    public func validate() throws(BenchError) {
        func fail(_ message: String) throws(BenchError) { throw BenchError.invalidPlan(message) }
        if blockSizes.isEmpty { try fail("no block sizes to test") }
        if modes.isEmpty { try fail("no I/O modes to test") }
        if depths.isEmpty { try fail("no queue depths to test") }
        if patterns.isEmpty { try fail("no tests to run") }
        for size in blockSizes + [randomBlockSize] {
            if size <= 0 || size % 512 != 0 {
                try fail("invalid block size '\(size)': not a multiple of 512 bytes")
            }
            if size > Self.maximumBlockSize {
                try fail("invalid block size '\(ByteCount.blockSize(size))': at most \(ByteCount.blockSize(Self.maximumBlockSize))")
            }
        }
        for depth in depths where depth < 1 || depth > Self.maximumDepth {
            try fail("invalid queue depth '\(depth)': must be 1 to \(Self.maximumDepth)")
        }
        if timeLimit == 0 { try fail("invalid time: must be more than 0 seconds") }
        if timeLimit > 3600 * 1_000_000_000 { try fail("invalid time: at most 3600 seconds per test") }
        let largest = (blockSizes + [randomBlockSize]).max() ?? 0
        if regionSize < Int64(largest) {
            try fail("invalid size: \(ByteCount.human(regionSize)) is smaller than the largest block size (\(ByteCount.blockSize(largest)))")
        }
    }

    /// The tests in the order they run: writes first (on a file they also lay out the data the
    /// reads then read), then sequential reads, then random reads; within each, buffered before
    /// direct, small blocks before large, QD1 before the deep queue.
    public func tests(writesAllowed: Bool) -> [BenchTest] {
        var result: [BenchTest] = []
        for pattern in BenchPattern.allCases where patterns.contains(pattern) {
            if pattern.writes && !writesAllowed { continue }
            let sizes = pattern == .randomRead ? [randomBlockSize] : blockSizes
            for io in BenchIO.allCases where modes.contains(io) {
                for size in sizes {
                    for depth in depths {
                        result.append(BenchTest(pattern: pattern, io: io, blockSize: size, depth: depth))
                    }
                }
            }
        }
        return result
    }

    /// Parses `--bs 4K,64K,1M`; the failure names the first bad item.
    public static func parseBlockSizes(_ text: String) -> Result<[Int], BenchError> {
        var sizes: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = ByteCount.parse(String(item)), value <= Int64(maximumBlockSize) else {
                return .failure(.invalidPlan("invalid block size '\(item)'"))
            }
            if !sizes.contains(Int(value)) { sizes.append(Int(value)) }
        }
        return .success(sizes)
    }

    /// Parses `--time 0.5`: seconds with up to nine decimals, no exponent.
    public static func parseSeconds(_ text: String) -> UInt64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholeText = parts.first, wholeText.allSatisfy(\.isASCII), wholeText.allSatisfy(\.isNumber),
              let whole = wholeText.isEmpty ? 0 : UInt64(wholeText), whole <= 1_000_000 else { return nil }
        var nanoseconds = whole * 1_000_000_000
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty || !wholeText.isEmpty, fraction.count <= 9,
                  fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            var scale: UInt64 = 100_000_000
            for digit in fraction {
                nanoseconds += UInt64(digit.wholeNumberValue ?? 0) * scale
                scale /= 10
            }
        } else if wholeText.isEmpty {
            return nil
        }
        return nanoseconds
    }
}
