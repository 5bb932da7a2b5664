import Testing
@testable import SwddDD

/// Fixtures from GNU dd 9.1: `dd if=/dev/zero of=/dev/null bs=N count=M` under `LC_ALL=C`,
/// with an LD_PRELOAD shim making `clock_gettime` return start, then start + elapsed, so the
/// time and rate fields are exact too.
@Suite struct DDSummaryTests {
    static let transferLines: [(UInt64, Int64, String)] = [
        (1, 1, "1 byte copied, 1e-09 s, 1.0 GB/s"),
        (1, 0, "1 byte copied, 0 s, Infinity B/s"),
        (0, 5, "0 bytes copied, 5e-09 s, 0 B/s"),
        (512, 1000000000, "512 bytes copied, 1 s, 512 B/s"),
        (1000, 3, "1000 bytes (1.0 kB) copied, 3e-09 s, 333 GB/s"),
        (999, 7, "999 bytes copied, 7e-09 s, 143 GB/s"),
        (1024, 1024, "1024 bytes (1.0 kB, 1.0 KiB) copied, 1.024e-06 s, 1.0 GB/s"),
        (4096, 123456789, "4096 bytes (4.1 kB, 4.0 KiB) copied, 0.123457 s, 33.2 kB/s"),
        (65536, 999999999, "65536 bytes (66 kB, 64 KiB) copied, 1 s, 65.5 kB/s"),
        (1048576, 1000000001, "1048576 bytes (1.0 MB, 1.0 MiB) copied, 1 s, 1.0 MB/s"),
        (1000000, 2000000000, "1000000 bytes (1.0 MB, 977 KiB) copied, 2 s, 500 kB/s"),
        (1000000, 3000000000, "1000000 bytes (1.0 MB, 977 KiB) copied, 3 s, 333 kB/s"),
        (10000000, 7000000000, "10000000 bytes (10 MB, 9.5 MiB) copied, 7 s, 1.4 MB/s"),
        (123456789, 98765432, "123456789 bytes (123 MB, 118 MiB) copied, 0.0987654 s, 1.2 GB/s"),
        (104857600, 333333333, "104857600 bytes (105 MB, 100 MiB) copied, 0.333333 s, 315 MB/s"),
        (104857600, 1, "104857600 bytes (105 MB, 100 MiB) copied, 1e-09 s, 105 PB/s"),
        (1000000000, 1000000000, "1000000000 bytes (1.0 GB, 954 MiB) copied, 1 s, 1.0 GB/s"),
        (1000000000, 3, "1000000000 bytes (1.0 GB, 954 MiB) copied, 3e-09 s, 333 PB/s"),
        (999999999, 1000, "999999999 bytes (1.0 GB, 954 MiB) copied, 1e-06 s, 1.0 PB/s"),
        (536870912, 536870912, "536870912 bytes (537 MB, 512 MiB) copied, 0.536871 s, 1.0 GB/s"),
        (2097152, 999999999999, "2097152 bytes (2.1 MB, 2.0 MiB) copied, 1000 s, 2.1 kB/s"),
        (1000, 86400000000000, "1000 bytes (1.0 kB) copied, 86400 s, 0 B/s"),
        (1073741824, 1500000000, "1073741824 bytes (1.1 GB, 1.0 GiB) copied, 1.5 s, 716 MB/s"),
        (1048576, 1, "1048576 bytes (1.0 MB, 1.0 MiB) copied, 1e-09 s, 1.0 PB/s"),
        (1073741824, 3600000000000, "1073741824 bytes (1.1 GB, 1.0 GiB) copied, 3600 s, 298 kB/s"),
        (33554432, 250000000, "33554432 bytes (34 MB, 32 MiB) copied, 0.25 s, 134 MB/s"),
        (9999, 10000000, "9999 bytes (10 kB, 9.8 KiB) copied, 0.01 s, 1.0 MB/s"),
        (99999, 100, "99999 bytes (100 kB, 98 KiB) copied, 1e-07 s, 1.0 TB/s"),
        (1000000000, 1, "1000000000 bytes (1.0 GB, 954 MiB) copied, 1e-09 s, 1.0 EB/s"),
        // from GNU dd 9.1 (fake clock): `bs=1000 count=1` after 1, 1.5 and 2 s.
        (1000, 1000000000, "1000 bytes (1.0 kB) copied, 1 s, 1.0 kB/s"),
        (1000, 1500000000, "1000 bytes (1.0 kB) copied, 1.5 s, 0.7 kB/s"),
        (1000, 2000000001, "1000 bytes (1.0 kB) copied, 2 s, 0.5 kB/s"),
        (1000, 123456789, "1000 bytes (1.0 kB) copied, 0.123457 s, 8.1 kB/s"),
    ]

    @Test func transferLineMatchesGNU() {
        for (bytes, elapsed, expected) in Self.transferLines {
            let stats = DDStatistics(bytesCopied: bytes)
            #expect(DDSummary.transferLine(stats, elapsedNanoseconds: elapsed) == expected,
                    "bytes \(bytes) elapsed \(elapsed)")
        }
    }

    /// from GNU dd 9.1: `dd if=/dev/zero of=/dev/null bs=N count=1` (and bs=1G count=10,
    /// bs=1000000000 count=12), LC_ALL=C, the part before the time.
    static let sizes: [(UInt64, String)] = [
        (1, "1 byte copied"), (2, "2 bytes copied"), (999, "999 bytes copied"),
        (1000, "1000 bytes (1.0 kB) copied"), (1001, "1001 bytes (1.0 kB) copied"),
        (1023, "1023 bytes (1.0 kB) copied"), (1024, "1024 bytes (1.0 kB, 1.0 KiB) copied"),
        (1025, "1025 bytes (1.0 kB, 1.0 KiB) copied"), (1049, "1049 bytes (1.0 kB, 1.0 KiB) copied"),
        (1050, "1050 bytes (1.0 kB, 1.0 KiB) copied"), (1051, "1051 bytes (1.1 kB, 1.0 KiB) copied"),
        (1099, "1099 bytes (1.1 kB, 1.1 KiB) copied"), (1100, "1100 bytes (1.1 kB, 1.1 KiB) copied"),
        (1151, "1151 bytes (1.2 kB, 1.1 KiB) copied"), (1152, "1152 bytes (1.2 kB, 1.1 KiB) copied"),
        (1178, "1178 bytes (1.2 kB, 1.2 KiB) copied"), (1203, "1203 bytes (1.2 kB, 1.2 KiB) copied"),
        (1204, "1204 bytes (1.2 kB, 1.2 KiB) copied"), (1229, "1229 bytes (1.2 kB, 1.2 KiB) copied"),
        (1230, "1230 bytes (1.2 kB, 1.2 KiB) copied"), (9949, "9949 bytes (9.9 kB, 9.7 KiB) copied"),
        (9950, "9950 bytes (10 kB, 9.7 KiB) copied"), (9951, "9951 bytes (10 kB, 9.7 KiB) copied"),
        (9999, "9999 bytes (10 kB, 9.8 KiB) copied"), (10000, "10000 bytes (10 kB, 9.8 KiB) copied"),
        (10239, "10239 bytes (10 kB, 10 KiB) copied"), (10240, "10240 bytes (10 kB, 10 KiB) copied"),
        (10188, "10188 bytes (10 kB, 9.9 KiB) copied"), (10189, "10189 bytes (10 kB, 10 KiB) copied"),
        (10190, "10190 bytes (10 kB, 10 KiB) copied"), (10291, "10291 bytes (10 kB, 10 KiB) copied"),
        (99949, "99949 bytes (100 kB, 98 KiB) copied"), (99950, "99950 bytes (100 kB, 98 KiB) copied"),
        (100000, "100000 bytes (100 kB, 98 KiB) copied"), (101887, "101887 bytes (102 kB, 99 KiB) copied"),
        (101888, "101888 bytes (102 kB, 100 KiB) copied"), (102400, "102400 bytes (102 kB, 100 KiB) copied"),
        (999499, "999499 bytes (999 kB, 976 KiB) copied"), (999500, "999500 bytes (1.0 MB, 976 KiB) copied"),
        (999999, "999999 bytes (1.0 MB, 977 KiB) copied"), (1000000, "1000000 bytes (1.0 MB, 977 KiB) copied"),
        (1022976, "1022976 bytes (1.0 MB, 999 KiB) copied"), (1023487, "1023487 bytes (1.0 MB, 999 KiB) copied"),
        (1023488, "1023488 bytes (1.0 MB, 1000 KiB) copied"), (1048575, "1048575 bytes (1.0 MB, 1.0 MiB) copied"),
        (1048576, "1048576 bytes (1.0 MB, 1.0 MiB) copied"), (1099511, "1099511 bytes (1.1 MB, 1.0 MiB) copied"),
        (10485759, "10485759 bytes (10 MB, 10 MiB) copied"), (104857599, "104857599 bytes (105 MB, 100 MiB) copied"),
        (9999999, "9999999 bytes (10 MB, 9.5 MiB) copied"), (99999999, "99999999 bytes (100 MB, 95 MiB) copied"),
        (99950000, "99950000 bytes (100 MB, 95 MiB) copied"), (1023999999, "1023999999 bytes (1.0 GB, 977 MiB) copied"),
        (1073741823, "1073741823 bytes (1.1 GB, 1.0 GiB) copied"),
        (10737418240, "10737418240 bytes (11 GB, 10 GiB) copied"),
        (12000000000, "12000000000 bytes (12 GB, 11 GiB) copied"),
    ]

    @Test func byteCountsMatchGNU() {
        for (bytes, expected) in Self.sizes {
            let line = DDSummary.transferLine(DDStatistics(bytesCopied: bytes), elapsedNanoseconds: 1)
            #expect(line.hasPrefix(expected + ", "), "\(line)")
        }
    }

    @Test func humanReadableExtremes() {
        // from GNU dd 9.1: `dd bs=9223372036854775806` → "… bytes (8.0 EiB)".
        #expect(HumanReadable.format(9223372036854775806, base1024: true) == "8.0 EiB")
        // Computed by hand from gnulib human.c (dd cannot copy 18 EB).
        #expect(HumanReadable.format(UInt64.max, base1024: false) == "18 EB")
        #expect(HumanReadable.format(0, base1024: false) == "0 B")
    }

    /// from GNU dd 9.1: `dd if=/dev/zero of=/dev/null bs=1000 count=3 status=progress` with the
    /// clock at +2.5 s: the summary ends the progress line with a newline first.
    @Test func fullSummaryAfterProgress() {
        let stats = DDStatistics(recordsInFull: 3, recordsOutFull: 3, bytesCopied: 3000)
        #expect(DDSummary.text(stats, status: .progress, elapsedNanoseconds: 2_500_000_000,
                               progressLineActive: true)
                == "\n3+0 records in\n3+0 records out\n3000 bytes (3.0 kB, 2.9 KiB) copied, 2.5 s, 1.2 kB/s\n")
    }

    @Test func statusLevels() {
        let stats = DDStatistics(recordsInFull: 0, recordsInPartial: 1, recordsOutFull: 0,
                                 recordsOutPartial: 1, bytesCopied: 6)
        #expect(DDSummary.text(stats, status: .none, elapsedNanoseconds: 1) == "")
        // from GNU dd 9.1: `status=noxfer` prints only the record lines.
        #expect(DDSummary.text(stats, status: .noxfer, elapsedNanoseconds: 1)
                == "0+1 records in\n0+1 records out\n")
        #expect(DDSummary.text(stats, status: .default, elapsedNanoseconds: 32044)
                == "0+1 records in\n0+1 records out\n6 bytes copied, 3.2044e-05 s, 187 kB/s\n")
    }

    /// from GNU dd 9.1 (`conv=block cbs=…` on lines longer than cbs): singular and plural.
    @Test func truncatedRecords() {
        var stats = DDStatistics(recordsInPartial: 1, recordsOutPartial: 1, truncatedRecords: 1)
        #expect(DDSummary.recordLines(stats) == "0+1 records in\n0+1 records out\n1 truncated record\n")
        stats.truncatedRecords = 2
        #expect(DDSummary.recordLines(stats) == "0+1 records in\n0+1 records out\n2 truncated records\n")
    }

    /// from GNU dd 9.1: `dd if=/dev/zero of=/dev/null bs=1 count=12 status=progress` with a clock
    /// advancing 0.7 s per call:
    /// `\r8 bytes copied, 6 s, 0.0 kB/s\r9 bytes copied, 7 s, 1 B/s   \r11 bytes copied, 8 s, 0.0 kB/s`.
    @Test func progressLinePadsShorterLines() {
        let eight = DDProgressLine(DDStatistics(bytesCopied: 8), elapsedNanoseconds: 6_300_000_000,
                                   previousLength: 28)
        #expect(eight.text == "\r8 bytes copied, 6 s, 0.0 kB/s")
        #expect(eight.length == 29)
        let nine = DDProgressLine(DDStatistics(bytesCopied: 9), elapsedNanoseconds: 7_000_000_000,
                                  previousLength: eight.length)
        #expect(nine.text == "\r9 bytes copied, 7 s, 1 B/s   ")
        #expect(nine.length == 26)
        let eleven = DDProgressLine(DDStatistics(bytesCopied: 11), elapsedNanoseconds: 7_700_000_000,
                                    previousLength: nine.length)
        #expect(eleven.text == "\r11 bytes copied, 8 s, 0.0 kB/s")
        // from GNU dd 9.1 (fake clock +2.5 s): `%.0f` rounds half to even.
        let first = DDProgressLine(DDStatistics(bytesCopied: 1000), elapsedNanoseconds: 2_500_000_000,
                                   previousLength: 0)
        #expect(first.text == "\r1000 bytes (1.0 kB) copied, 2 s, 0.4 kB/s")
    }

    /// from GNU dd 9.1: `(printf abc; sleep .3; printf def; …) | dd bs=10 count=3`.
    @Test func partialReadWarning() {
        #expect(DDMessages.partialRead(bytes: 3) == "warning: partial read (3 bytes); suggest iflag=fullblock")
        #expect(DDMessages.partialRead(bytes: 1) == "warning: partial read (1 byte); suggest iflag=fullblock")
    }
}
