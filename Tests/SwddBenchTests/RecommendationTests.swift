import Testing
@testable import SwddBench

@Suite struct RecommendationTests {
    static func row(_ pattern: BenchPattern, _ io: BenchIO, _ blockSize: Int, depth: Int = 1, mbps: Int64) -> BenchResult {
        BenchResult(test: BenchTest(pattern: pattern, io: io, blockSize: blockSize, depth: depth),
                    outcome: .measured(BenchMeasurement(bytes: mbps * 1_000_000, nanoseconds: 1_000_000_000, coveredRegion: false)))
    }

    @Test func fastestQueueDepthOneRowWins() {
        let results = [
            Self.row(.read, .buffered, 1 << 20, mbps: 900),
            Self.row(.read, .direct, 4 << 20, mbps: 1500),
            Self.row(.read, .direct, 4 << 20, depth: 8, mbps: 3000),  // deep queue: not what a copy does
            Self.row(.randomRead, .direct, 4096, mbps: 5000),
        ]
        let r = Recommendation(results)
        #expect(r.read == Recommendation.Choice(blockSize: 4 << 20, direct: true, bytesPerSecond: 1.5e9))
        #expect(r.write == nil)
        #expect(Recommendation.readOperands(r.read!) == "bs=4M iflag=direct")
    }

    @Test func withinFivePercentPrefersDirectThenLargerBlocks() {
        let results = [
            Self.row(.write, .buffered, 4 << 20, mbps: 1000),
            Self.row(.write, .direct, 64 << 10, mbps: 960),
            Self.row(.write, .direct, 1 << 20, mbps: 955),
            Self.row(.write, .direct, 4 << 20, mbps: 940),  // 6% slower: not a tie
        ]
        let r = Recommendation(results)
        #expect(r.write?.blockSize == 1 << 20)
        #expect(r.write?.direct == true)
        #expect(Recommendation.writeOperands(r.write!) == "bs=1M oflag=direct")
    }

    @Test func bufferedWinsWhenClearlyFaster() {
        let r = Recommendation([Self.row(.read, .buffered, 64 << 10, mbps: 2000), Self.row(.read, .direct, 64 << 10, mbps: 1000)])
        #expect(Recommendation.readOperands(r.read!) == "bs=64K")
    }

    @Test func skippedRowsAreIgnored() {
        let skipped = BenchResult(test: BenchTest(pattern: .read, io: .direct, blockSize: 4096, depth: 1), outcome: .skipped("no"))
        #expect(Recommendation([skipped]) == Recommendation(read: nil, write: nil))
    }
}
