import Testing
@testable import SwddBench

@Suite struct QueueDepthWorkersTests {
    @Test func slicesCoverTheRegionContiguously() {
        #expect(QueueDepthWorkers.slices(blockCount: 10, threads: 4) == [
            .init(first: 0, count: 3), .init(first: 3, count: 3), .init(first: 6, count: 2), .init(first: 8, count: 2),
        ])
        #expect(QueueDepthWorkers.slices(blockCount: 256, threads: 8).allSatisfy { $0.count == 32 })
        #expect(QueueDepthWorkers.slices(blockCount: 7, threads: 1) == [.init(first: 0, count: 7)])
    }

    @Test func fewerBlocksThanDepthMeansFewerThreads() {
        #expect(QueueDepthWorkers.threadCount(depth: 8, blockCount: 2) == 2)
        #expect(QueueDepthWorkers.threadCount(depth: 8, blockCount: 1000) == 8)
        #expect(QueueDepthWorkers.threadCount(depth: 1, blockCount: 1000) == 1)
    }
}
