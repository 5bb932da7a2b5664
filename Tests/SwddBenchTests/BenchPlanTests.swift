import Testing
@testable import SwddBench

@Suite struct BenchPlanTests {
    @Test func defaultPlanIsValidAndOrdersWritesFirst() throws {
        let plan = BenchPlan()
        try plan.validate()
        let tests = plan.tests(writesAllowed: true)
        // 6 sizes × 2 modes × 2 depths for write and read, plus 2 × 2 random rows.
        #expect(tests.count == 52)
        #expect(tests.first == BenchTest(pattern: .write, io: .buffered, blockSize: 4096, depth: 1))
        #expect(tests[1] == BenchTest(pattern: .write, io: .buffered, blockSize: 4096, depth: 8))
        #expect(tests[24] == BenchTest(pattern: .read, io: .buffered, blockSize: 4096, depth: 1))
        #expect(tests.last == BenchTest(pattern: .randomRead, io: .direct, blockSize: 4096, depth: 8))
        #expect(Set(tests).count == tests.count)
    }

    @Test func withoutWritesOnlyReadsRun() {
        let tests = BenchPlan().tests(writesAllowed: false)
        #expect(tests.count == 28)
        #expect(!tests.contains { $0.pattern == .write })
    }

    @Test func selectionsNarrowTheMatrix() {
        let plan = BenchPlan(blockSizes: [1 << 20], modes: [.direct], depths: [4], patterns: [.read])
        #expect(plan.tests(writesAllowed: true) == [BenchTest(pattern: .read, io: .direct, blockSize: 1 << 20, depth: 4)])
    }

    /// The region must hold the largest request of any test, the random reads' included.
    @Test func regionMustHoldTheLargestBlockRandomReadsIncluded() {
        #expect(Self.message(BenchPlan(blockSizes: [4096], patterns: [.read], regionSize: 4096)) == nil)
        #expect(Self.message(BenchPlan(blockSizes: [4096, 16384], randomBlockSize: 65536, regionSize: 32768))
                == "invalid size: 32 KiB is smaller than the largest block size (64K)")
    }

    static func message(_ plan: BenchPlan) -> String? {
        do {
            try plan.validate()
            return nil
        } catch {
            return error.message
        }
    }

    @Test func validationMessages() {
        #expect(Self.message(BenchPlan(blockSizes: [])) == "no block sizes to test")
        #expect(Self.message(BenchPlan(modes: [])) == "no I/O modes to test")
        #expect(Self.message(BenchPlan(depths: [])) == "no queue depths to test")
        #expect(Self.message(BenchPlan(patterns: [])) == "no tests to run")
        #expect(Self.message(BenchPlan(blockSizes: [1000])) == "invalid block size '1000': not a multiple of 512 bytes")
        #expect(Self.message(BenchPlan(blockSizes: [512 << 20])) == "invalid block size '512M': at most 256M")
        #expect(Self.message(BenchPlan(depths: [1, 0])) == "invalid queue depth '0': must be 1 to 256")
        #expect(Self.message(BenchPlan(depths: [257])) == "invalid queue depth '257': must be 1 to 256")
        #expect(Self.message(BenchPlan(timeLimit: 0)) == "invalid time: must be more than 0 seconds")
        #expect(Self.message(BenchPlan(timeLimit: 3601 * 1_000_000_000)) == "invalid time: at most 3600 seconds per test")
        #expect(Self.message(BenchPlan(regionSize: 1 << 20)) == "invalid size: 1 MiB is smaller than the largest block size (4M)")
        #expect(Self.message(BenchPlan(blockSizes: [4096], regionSize: 8192)) == nil)
    }

    @Test func parsesSeconds() {
        #expect(BenchPlan.parseSeconds("1") == 1_000_000_000)
        #expect(BenchPlan.parseSeconds("0.2") == 200_000_000)
        #expect(BenchPlan.parseSeconds(".5") == 500_000_000)
        #expect(BenchPlan.parseSeconds("2.") == 2_000_000_000)
        #expect(BenchPlan.parseSeconds("0.000000001") == 1)
        #expect(BenchPlan.parseSeconds("0.0000000001") == nil)
        #expect(BenchPlan.parseSeconds("") == nil)
        #expect(BenchPlan.parseSeconds(".") == nil)
        #expect(BenchPlan.parseSeconds("-1") == nil)
        #expect(BenchPlan.parseSeconds("1e3") == nil)
        #expect(BenchPlan.parseSeconds("99999999999") == nil)
    }

    @Test func parsesBlockSizeLists() throws {
        #expect(try BenchPlan.parseBlockSizes("4K,1M,4096").get() == [4096, 1 << 20])
        #expect(throws: BenchError.invalidPlan("invalid block size 'x'")) { try BenchPlan.parseBlockSizes("4K,x").get() }
        #expect(throws: BenchError.invalidPlan("invalid block size ''")) { try BenchPlan.parseBlockSizes("4K,").get() }
    }

    @Test func byteCounts() {
        #expect(ByteCount.parse("4096") == 4096)
        #expect(ByteCount.parse("4K") == 4096)
        #expect(ByteCount.parse("8M") == 8 << 20)
        #expect(ByteCount.parse("8MiB") == 8 << 20)
        #expect(ByteCount.parse("1g") == 1 << 30)
        #expect(ByteCount.parse("2T") == 2 << 40)
        #expect(ByteCount.parse("0") == nil)
        #expect(ByteCount.parse("M") == nil)
        #expect(ByteCount.parse("4X") == nil)
        #expect(ByteCount.parse("-4K") == nil)
        #expect(ByteCount.parse("9999999999T") == nil)
        #expect(ByteCount.blockSize(4096) == "4K")
        #expect(ByteCount.blockSize(4 << 20) == "4M")
        #expect(ByteCount.blockSize(1536) == "1536")
        #expect(ByteCount.blockSize(3 << 10) == "3K")
        #expect(ByteCount.human(1 << 30) == "1 GiB")
        #expect(ByteCount.human(3 << 29) == "1.5 GiB")
        #expect(ByteCount.human((1 << 20) - 1) == "1 MiB")
        #expect(ByteCount.human(1000) == "1000 bytes")
    }
}
