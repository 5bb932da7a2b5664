import Testing
@testable import SwddDD

@Suite struct DDRecordRunsTests {
    @Test func mergesAlikeUnitsIntoRuns() {
        var runs = DDRecordRuns()
        runs.append(length: 512, count: 3, isFull: true)
        runs.append(length: 512, isFull: true)
        runs.append(length: 100, isFull: false)
        #expect(runs.runs.count == 2)
        #expect(runs.unitCount == 5)
        #expect(runs.fullCount == 4)
        #expect(runs.partialCount == 1)
        #expect(runs.totalBytes == 4 * 512 + 100)
    }

    @Test func unitsCoveredStopsInsideAUnit() {
        let runs = DDRecordRuns([.init(length: 512, repeatCount: 4, isFull: true), .init(length: 7, repeatCount: 1, isFull: false)])
        let (complete, stopped) = runs.unitsCovered(byBytes: 1100)
        #expect(complete.unitCount == 2)
        #expect(stopped == .init(length: 512, repeatCount: 1, isFull: true))
        // Stopping exactly on a boundary: the next unit failed with none of its bytes written.
        let atBoundary = runs.unitsCovered(byBytes: 4 * 512)
        #expect(atBoundary.complete.unitCount == 4)
        #expect(atBoundary.stoppedIn == .init(length: 7, repeatCount: 1, isFull: false))
        let all = runs.unitsCovered(byBytes: 4 * 512 + 7)
        #expect(all.complete == runs)
        #expect(all.stoppedIn == nil)
    }

    @Test func forEachUnitVisitsOffsetsInOrder() {
        let runs = DDRecordRuns([.init(length: 3, repeatCount: 2, isFull: true), .init(length: 1, repeatCount: 1, isFull: false)])
        var seen: [Int] = []
        runs.forEachUnit { offset, length, _ in seen.append(offset); seen.append(length) }
        #expect(seen == [0, 3, 3, 3, 6, 1])
    }
}
