import Testing
@testable import SwddDisks

/// Expected strings are what fdisk 2.38.1 printed for the same byte counts.
@Suite struct HumanSizeTests {
    @Test func diskLineUsesTwoDecimalsAndThreeLetterUnits() {
        #expect(HumanSize.format(2_147_483_648, style: .disk) == "2 GiB")
        #expect(HumanSize.format(1_000_000_000, style: .disk) == "953.67 MiB")
        #expect(HumanSize.format(1_288_489_984, style: .disk) == "1.2 GiB")  // 1.20 loses its zero
        #expect(HumanSize.format(10_485_760, style: .disk) == "10 MiB")
        #expect(HumanSize.format(512, style: .disk) == "512 B")
        #expect(HumanSize.format(67_108_864, style: .disk) == "64 MiB")
    }

    @Test func sizeColumnUsesOneDecimalAndOneLetter() {
        #expect(HumanSize.format(1_500_000 * 512, style: .oneLetter) == "732.4M")
        #expect(HumanSize.format(100_000 * 512, style: .oneLetter) == "48.8M")
        #expect(HumanSize.format(10_000 * 512, style: .oneLetter) == "4.9M")
        #expect(HumanSize.format(1_000_000 * 512, style: .oneLetter) == "488.3M")
        #expect(HumanSize.format(1 << 30, style: .oneLetter) == "1G")
        #expect(HumanSize.format(512 << 20, style: .oneLetter) == "512M")
        #expect(HumanSize.format(512, style: .oneLetter) == "512B")
    }

    @Test func roundingUpToTheNextWholeUnit() {
        // 1023.96 KiB rounds to 1024.0 → "1024K" in util-linux (it does not move to the next unit)
        #expect(HumanSize.format(1_048_535, style: .oneLetter) == "1024K")
        // 0.04 of a unit rounds to nothing: no decimals at all
        #expect(HumanSize.format((1 << 20) + 40_000, style: .oneLetter) == "1M")
    }
}
