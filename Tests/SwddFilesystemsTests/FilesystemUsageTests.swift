import SwddFilesystems
import Testing

@Suite struct FilesystemUsageTests {
    @Test func freeRangesAreWhatTheUsedOnesLeave() {
        let usage = FilesystemUsage(type: "ext4", range: 1000..<9000, partition: 1, finding: .used([1000..<2000, 4000..<5000]))
        #expect(usage.freeRanges == [2000..<4000, 5000..<9000])
        #expect(usage.usedBytes == 2000)
    }

    @Test func aFilesystemKeptInFullHasNoFreeRanges() {
        let usage = FilesystemUsage(type: "xfs", range: 0..<4096, partition: nil, finding: .keptInFull("its free-space btrees are not read"))
        #expect(usage.freeRanges.isEmpty)
        #expect(usage.usedBytes == 4096)
    }
}
