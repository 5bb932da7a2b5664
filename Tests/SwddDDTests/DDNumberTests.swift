import Testing
@testable import SwddDD

/// Fixtures from GNU dd 9.1: each value was read back from
/// `dd if=/dev/null of=F bs=1 count=0 seek=VALUE` (the size of F), and each rejection from the
/// same command's message (`: Value too large …` marks `.overflow`).
@Suite struct DDNumberTests {
    static let values: [(String, Int64)] = [
        ("1b", 512), ("1c", 1), ("1w", 2), ("1kB", 1000), ("1K", 1024), ("1KiB", 1024),
        ("1kiB", 1024), ("1MB", 1_000_000), ("1M", 1_048_576), ("1xM", 1_048_576),
        ("1GB", 1_000_000_000), ("1G", 1_073_741_824), ("1TB", 1_000_000_000_000),
        ("1T", 1_099_511_627_776), ("1PB", 1_000_000_000_000_000), ("1P", 1_125_899_906_842_624),
        ("1EB", 1_000_000_000_000_000_000), ("1E", 1_152_921_504_606_846_976), ("1kD", 1000),
        ("10KD", 10_000), ("1B", 1), ("1KB", 1000), ("1cB", 1), ("1bB", 512), ("1wB", 2),
        ("K", 1024), ("KB", 1000), ("k", 1024), ("kB", 1000),
        ("2Bx3", 6), ("2x3K", 6144), ("2Kx3K", 6_291_456), ("1KBx2", 2000), ("1xKB", 1000),
        ("0x0", 0), ("00x5", 0), ("0x5", 0), ("5x0", 0), ("0xK", 0), ("0b", 0), ("0Z", 0),
        ("1Ex7", 8_070_450_532_247_928_832), ("8Ex0", 0), ("9223372036854775807x1", Int64.max),
        ("9223372036854775808x0", 0), ("99999999999999999999x0", 0),
        ("99999999999999999999999x0", 0), ("3x3074457345618258602", 9_223_372_036_854_775_806),
        ("  7", 7), ("+7", 7), ("1x+2", 2), ("1x 2", 2), ("9223372036854775807", Int64.max),
        ("7E", 8_070_450_532_247_928_832),
    ]

    @Test func valuesMatchGNU() {
        for (text, value) in Self.values {
            let number = DDNumber(parsing: text)
            #expect(number.status == .ok, "\(text)")
            #expect(number.value == value, "\(text)")
        }
    }

    static let rejected: [(String, DDNumber.Status)] = [
        ("2x3x4", .invalid), ("2Bx3B", .invalid), ("2x3B", .invalid), ("2xB", .invalid),
        ("1x0x0", .invalid), ("5x0x3", .invalid), ("x5", .invalid), ("2x", .invalid),
        ("0x", .invalid), ("1m", .invalid), ("1g", .invalid), ("1t", .invalid), ("1e", .invalid),
        ("1KBB", .invalid), ("3BB", .invalid), ("BB", .invalid), ("1BB", .invalid),
        ("1cb", .invalid), ("+-7", .invalid), (" -7", .invalid), ("-1", .invalid),
        ("7 ", .invalid), ("1e3", .invalid), ("1x-2", .invalid), ("1Kx2B", .invalid),
        ("1xBB", .invalid), ("1Ki", .invalid), ("1Q", .invalid), ("1R", .invalid), ("", .invalid),
        ("5z", .invalid), ("1x99999999999999999999z", .invalid), ("9223372036854775807z", .invalid),
        ("4Gx4G", .overflow), ("2Gx4G", .overflow), ("1Ex8", .overflow), ("8Ex1", .overflow),
        ("99999999999999999999x1", .overflow), ("9223372036854775808x1", .overflow),
        ("1x99999999999999999999", .overflow), ("99999999999999999999B", .overflow),
        ("99999999999999999999K", .overflow), ("99999999999999999999z", .overflow),
        ("9223372036854775808z", .overflow), ("9223372036854775808", .overflow),
        ("1Y", .overflow), ("1Z", .overflow), ("1ZB", .overflow), ("8E", .overflow),
    ]

    @Test func rejectionsMatchGNU() {
        for (text, status) in Self.rejected {
            #expect(DDNumber(parsing: text).status == status, "\(text)")
        }
    }

    /// from GNU dd 9.1: `count=0x5` warns; `00x5`, `5x0` and `0b` do not.
    @Test func zeroMultiplierWarning() {
        #expect(DDNumber(parsing: "0x5").warnsZeroMultiplier)
        #expect(DDNumber(parsing: "0x0").warnsZeroMultiplier)
        #expect(DDNumber(parsing: "0xK").warnsZeroMultiplier)
        #expect(!DDNumber(parsing: "00x5").warnsZeroMultiplier)
        #expect(!DDNumber(parsing: "5x0").warnsZeroMultiplier)
        #expect(!DDNumber(parsing: "0b").warnsZeroMultiplier)
        #expect(DDNumber.zeroMultiplierWarning(locale: .c)
                == "warning: '0x' is a zero multiplier; use '00x' if that is intended")
        #expect(DDNumber.zeroMultiplierWarning(locale: .utf8)
                == "warning: ‘0x’ is a zero multiplier; use ‘00x’ if that is intended")
    }
}
