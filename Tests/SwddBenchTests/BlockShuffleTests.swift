import Testing
@testable import SwddBench

@Suite struct BlockShuffleTests {
    @Test(arguments: [1, 2, 3, 7, 1000, 4096, 65_537])
    func visitsEveryBlockOnce(count: Int) {
        let shuffle = BlockShuffle(count: Int64(count))
        var seen = [Bool](repeating: false, count: count)
        for index in 0..<count {
            let block = Int(shuffle.block(at: Int64(index)))
            #expect(block >= 0 && block < count)
            #expect(!seen[block])
            seen[block] = true
        }
    }

    @Test func looksRandomNotSequential() {
        // A stride would keep most neighbours adjacent; a shuffle keeps almost none.
        let shuffle = BlockShuffle(count: 100_000)
        var adjacent = 0
        for index in 0..<9_999 where abs(shuffle.block(at: Int64(index + 1)) - shuffle.block(at: Int64(index))) == 1 {
            adjacent += 1
        }
        #expect(adjacent < 10)
    }
}
