/// Where a running bench is, handed to the caller a few times a second from the thread that
/// runs the bench (never from a worker). The CLI decides whether and where to show it.
public struct BenchProgress: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Filling the temporary file so that reads have data to read.
        case layingOut
        case testing(BenchTest)
    }
    public var phase: Phase
    /// 1-based number of the test running, and how many there are.
    public var testNumber: Int
    public var testCount: Int
    /// Bytes moved in this phase so far, and the time it has run.
    public var bytes: Int64
    public var nanoseconds: UInt64

    public init(phase: Phase, testNumber: Int, testCount: Int, bytes: Int64, nanoseconds: UInt64) {
        self.phase = phase
        self.testNumber = testNumber
        self.testCount = testCount
        self.bytes = bytes
        self.nanoseconds = nanoseconds
    }

    /// `[ 3/52] read direct bs=1M qd=8  812.3 MB/s`, or `laying out 512 MiB  1.2 GiB/s`: the
    /// text of the progress line, without the carriage return that keeps it on one line.
    public var line: String {
        let rate = nanoseconds > 0 ? Double(bytes) * 1e9 / Double(nanoseconds) : 0
        switch phase {
        case .layingOut:
            return "laying out test file: \(ByteCount.human(bytes)) written  \(BenchReport.megabytes(rate)) MB/s"
        case .testing(let test):
            let width = String(testCount).count
            let number = String(repeating: " ", count: max(0, width - String(testNumber).count)) + String(testNumber)
            return "[\(number)/\(testCount)] \(test.label)  \(BenchReport.megabytes(rate)) MB/s"
        }
    }
}
