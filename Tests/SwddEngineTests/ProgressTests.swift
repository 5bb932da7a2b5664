import Synchronization
import Testing
@testable import SwddEngine
import SwddSystem

@Suite struct ProgressLineTests {
    @Test func withATotalItSaysHowFarAndHowLong() {
        // 1.5 GiB of 4 GiB after 3 s: 537 MB/s, 2.5 GiB left → 5 s.
        let line = ProgressLine.text(done: 3 << 29, total: 4 << 30, elapsedNanoseconds: 3_000_000_000)
        #expect(line == "1.5 GiB of 4.0 GiB (37%), 537 MB/s, 0:05 left")
    }

    @Test func withoutATotalOnlyBytesAndRate() {
        #expect(ProgressLine.text(done: 512, total: nil, elapsedNanoseconds: 1_000_000_000) == "512 B, 512 B/s")
        #expect(ProgressLine.text(done: 0, total: nil, elapsedNanoseconds: 0) == "0 B, 0 B/s")
    }

    @Test func doneMeansNoTimeLeft() {
        #expect(ProgressLine.text(done: 10 << 20, total: 10 << 20, elapsedNanoseconds: 2_000_000_000) == "10 MiB of 10 MiB (100%), 5.2 MB/s")
    }

    @Test func unitsAndClock() {
        #expect(ProgressLine.binarySize(1023) == "1023 B")
        #expect(ProgressLine.binarySize(1024) == "1.0 KiB")
        #expect(ProgressLine.binarySize(10_239) == "10 KiB")
        #expect(ProgressLine.binarySize(5 << 40) == "5.0 TiB")
        #expect(ProgressLine.decimalRate(999) == "999 B/s")
        #expect(ProgressLine.decimalRate(1_250_000_000) == "1.3 GB/s")
        #expect(ProgressLine.clock(59) == "0:59")
        #expect(ProgressLine.clock(754) == "12:34")
        #expect(ProgressLine.clock(3723) == "1:02:03")
    }
}

@Suite struct ProgressTickerTests {
    /// Ticks at its interval, and none after `stop` returns.
    @Test func ticksUntilStopped() throws {
        let ticks = Atomic(0)
        let ticker = try #require(ProgressTicker.start(interval: 20_000_000) { ticks.add(1, ordering: .relaxed) })
        MonotonicClock.sleep(nanoseconds: 210_000_000)
        ticker.stop()
        let seen = ticks.load(ordering: .relaxed)
        #expect(seen >= 3 && seen <= 11)
        MonotonicClock.sleep(nanoseconds: 60_000_000)
        #expect(ticks.load(ordering: .relaxed) == seen)
    }

    /// Stopping wakes the thread at once, not at the next tick.
    @Test func stopDoesNotWaitForTheInterval() throws {
        let ticker = try #require(ProgressTicker.start(interval: 60_000_000_000) {})
        let start = MonotonicClock.now()
        ticker.stop()
        #expect(MonotonicClock.now() - start < 5_000_000_000)
    }
}
