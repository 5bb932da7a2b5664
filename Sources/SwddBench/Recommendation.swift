/// The block size and flags that copy fastest to or from the target, for dd mode's operands and
/// for `swdd image`/`restore`, whose reader and writer each keep one request in flight: so only
/// the sequential queue-depth-1 rows count.
///
/// Rows within `tolerance` of the fastest are a tie on a real machine; among them direct I/O wins
/// (it spends no CPU on copies and does not push other programs' data out of the page cache),
/// then the larger block (fewer system calls).
public struct Recommendation: Sendable, Equatable {
    public struct Choice: Sendable, Equatable {
        public var blockSize: Int
        public var direct: Bool
        public var bytesPerSecond: Double

        public init(blockSize: Int, direct: Bool, bytesPerSecond: Double) {
            self.blockSize = blockSize
            self.direct = direct
            self.bytesPerSecond = bytesPerSecond
        }
    }

    public static let tolerance = 0.05

    /// Reading from the target (it is a copy's input); nil when no read row was measured.
    public var read: Choice?
    /// Writing to it (a copy's output); nil when no write row was measured.
    public var write: Choice?

    public init(read: Choice?, write: Choice?) {
        self.read = read
        self.write = write
    }

    public init(_ results: [BenchResult]) {
        read = Self.choose(.read, in: results)
        write = Self.choose(.write, in: results)
    }

    static func choose(_ pattern: BenchPattern, in results: [BenchResult]) -> Choice? {
        let rows: [Choice] = results.compactMap { result in
            guard result.test.pattern == pattern, result.test.depth == 1, let m = result.measurement, m.bytes > 0 else { return nil }
            return Choice(blockSize: result.test.blockSize, direct: result.test.io == .direct, bytesPerSecond: m.bytesPerSecond)
        }
        guard let fastest = rows.map(\.bytesPerSecond).max() else { return nil }
        let ties = rows.filter { $0.bytesPerSecond >= fastest * (1 - tolerance) }
        return ties.max { a, b in
            if a.direct != b.direct { return !a.direct }
            if a.blockSize != b.blockSize { return a.blockSize < b.blockSize }
            return a.bytesPerSecond < b.bytesPerSecond
        }
    }

    /// dd operands for reading: `bs=4M iflag=direct`, or just `bs=4M`.
    public static func readOperands(_ choice: Choice) -> String {
        "bs=\(ByteCount.blockSize(choice.blockSize))" + (choice.direct ? " iflag=direct" : "")
    }

    /// dd operands for writing: `bs=4M oflag=direct`, or just `bs=4M`.
    public static func writeOperands(_ choice: Choice) -> String {
        "bs=\(ByteCount.blockSize(choice.blockSize))" + (choice.direct ? " oflag=direct" : "")
    }
}
