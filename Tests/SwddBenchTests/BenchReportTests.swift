import Testing
@testable import SwddBench

/// The table and JSON for fixed results, compared as exact strings.
@Suite struct BenchReportTests {
    static func row(_ pattern: BenchPattern, _ io: BenchIO, _ blockSize: Int, _ depth: Int,
                    bytes: Int64, nanoseconds: UInt64, covered: Bool = false) -> BenchResult {
        BenchResult(test: BenchTest(pattern: pattern, io: io, blockSize: blockSize, depth: depth),
                    outcome: .measured(BenchMeasurement(bytes: bytes, nanoseconds: nanoseconds, coveredRegion: covered)))
    }

    static let fileRun = BenchRun(
        target: BenchTargetFacts(path: "/data/x", kind: .file, readPath: "/data/x", writePath: "/data/.swdd-bench.42.0",
                                 regionSize: 256 << 20, sectorSize: 4096),
        timeLimit: 500_000_000, cache: CacheDrop(), writesLeftOut: false,
        results: [
            row(.write, .buffered, 4096, 1, bytes: 400_000 * 4096, nanoseconds: 1_000_000_000),
            row(.write, .direct, 1 << 20, 1, bytes: 1_600 << 20, nanoseconds: 1_000_000_000),
            row(.read, .buffered, 1 << 20, 8, bytes: 256 << 20, nanoseconds: 125_000_000, covered: true),
            row(.read, .direct, 1 << 20, 1, bytes: 1_300 << 20, nanoseconds: 1_000_000_000),
            row(.read, .direct, 4 << 20, 1, bytes: 1_280 << 20, nanoseconds: 1_000_000_000),
            BenchResult(test: BenchTest(pattern: .read, io: .direct, blockSize: 4 << 20, depth: 8),
                        outcome: .skipped("O_DIRECT is not supported here")),
            row(.randomRead, .direct, 4096, 8, bytes: 50_000 * 4096, nanoseconds: 500_000_000),
        ])

    @Test func table() {
        let expected = """
            swdd bench: /data/x (file; read in place, written on temporary file /data/.swdd-bench.42.0), region 256 MiB, up to 0.5 s per test
            Each test stops at its time limit or after one pass over the region; writes end with fdatasync.

            test      I/O       block  depth     MB/s     IOPS   seconds
            write     buffered     4K      1   1638.4   400000     1.000
            write     direct       1M      1   1677.7     1600     1.000
            read      buffered     1M      8   2147.5     2048     0.125
            read      direct       1M      1   1363.1     1300     1.000
            read      direct       4M      1   1342.2      320     1.000
            read      direct       4M      8  skipped: O_DIRECT is not supported here
            randread  direct       4K      8    409.6   100000     0.500

            Reads are cold: the region is dropped from the page cache before each test (posix_fadvise DONTNEED).

            Fastest for dd mode (sequential, queue depth 1):
              reading /data/x:  bs=4M iflag=direct  (1342.2 MB/s)
              writing /data/x:  bs=1M oflag=direct  (1677.7 MB/s)

            """
        #expect(BenchReport.table(Self.fileRun) == expected)
    }

    @Test func json() {
        let expected = """
            {
              "target": {
                "path": "/data/x",
                "kind": "file",
                "read_path": "/data/x",
                "write_path": "/data/.swdd-bench.42.0",
                "region_bytes": 268435456,
                "device_bytes": null,
                "sector_size": 4096,
                "backing_file": null
              },
              "time_limit_ns": 500000000,
              "cache": {
                "posix_fadvise_dontneed": true,
                "blkflsbuf": false,
                "backing_file": null,
                "in_memory": null,
                "warning": null
              },
              "writes_left_out": false,
              "interrupted_by": null,
              "results": [
                {"test": "write", "io": "buffered", "block_size": 4096, "depth": 1, "bytes": 1638400000, "nanoseconds": 1000000000, "bytes_per_second": 1638400000, "iops": 400000, "ended_by": "time"},
                {"test": "write", "io": "direct", "block_size": 1048576, "depth": 1, "bytes": 1677721600, "nanoseconds": 1000000000, "bytes_per_second": 1677721600, "iops": 1600, "ended_by": "time"},
                {"test": "read", "io": "buffered", "block_size": 1048576, "depth": 8, "bytes": 268435456, "nanoseconds": 125000000, "bytes_per_second": 2147483648, "iops": 2048, "ended_by": "region"},
                {"test": "read", "io": "direct", "block_size": 1048576, "depth": 1, "bytes": 1363148800, "nanoseconds": 1000000000, "bytes_per_second": 1363148800, "iops": 1300, "ended_by": "time"},
                {"test": "read", "io": "direct", "block_size": 4194304, "depth": 1, "bytes": 1342177280, "nanoseconds": 1000000000, "bytes_per_second": 1342177280, "iops": 320, "ended_by": "time"},
                {"test": "read", "io": "direct", "block_size": 4194304, "depth": 8, "skipped": "O_DIRECT is not supported here"},
                {"test": "randread", "io": "direct", "block_size": 4096, "depth": 8, "bytes": 204800000, "nanoseconds": 500000000, "bytes_per_second": 409600000, "iops": 100000, "ended_by": "time"}
              ],
              "recommendation": {
                "read": {"block_size": 4194304, "direct": true, "bytes_per_second": 1342177280, "dd_operands": "bs=4M iflag=direct"},
                "write": {"block_size": 1048576, "direct": true, "bytes_per_second": 1677721600, "dd_operands": "bs=1M oflag=direct"}
              }
            }

            """
        #expect(BenchReport.json(Self.fileRun) == expected)
    }

    @Test func deviceWithoutWriteSaysSoAndRecommendsReadingOnly() {
        let run = BenchRun(
            target: BenchTargetFacts(path: "/dev/loop7", kind: .blockDevice, readPath: "/dev/loop7",
                                     regionSize: 64 << 20, deviceSize: 3 << 29, sectorSize: 512),
            timeLimit: 1_000_000_000, cache: CacheDrop(deviceBuffers: true), writesLeftOut: true,
            results: [Self.row(.read, .buffered, 65536, 1, bytes: 64 << 20, nanoseconds: 100_000_000, covered: true)])
        let expected = """
            swdd bench: /dev/loop7 (block device, 1.5 GiB, 512-byte sectors), region 64 MiB, up to 1.0 s per test
            Each test stops at its time limit or after one pass over the region; writes end with fdatasync.
            Write tests left out: pass --write to run them (they destroy the data on /dev/loop7).

            test  I/O       block  depth     MB/s     IOPS   seconds
            read  buffered    64K      1    671.1    10240     0.100

            Reads are cold: the region is dropped from the page cache before each test (posix_fadvise DONTNEED, BLKFLSBUF).

            Fastest for dd mode (sequential, queue depth 1):
              reading /dev/loop7:  bs=64K  (671.1 MB/s)

            """
        #expect(BenchReport.table(run) == expected)
        let json = BenchReport.json(run)
        #expect(json.contains(#""kind": "block_device""#))
        #expect(json.contains(#""device_bytes": 1610612736"#))
        #expect(json.contains(#""blkflsbuf": true"#))
        #expect(json.contains(#""writes_left_out": true"#))
        #expect(json.contains(#""write": null"#))
    }

    @Test func warmCacheWarningWhenBLKFLSBUFIsRefused() {
        let target = BenchTargetFacts(path: "/dev/sdz", kind: .blockDevice, readPath: "/dev/sdz",
                                      regionSize: 1 << 30, deviceSize: 1 << 40, sectorSize: 4096)
        let cache = CacheDrop(warning: "BLKFLSBUF: Permission denied")
        #expect(BenchReport.cacheSentence(cache, target: target)
                == "Reads may be partly warm: BLKFLSBUF: Permission denied; the page cache was dropped before each test with posix_fadvise DONTNEED only.")
        let run = BenchRun(target: target, timeLimit: 1, cache: cache, writesLeftOut: false, results: [])
        #expect(BenchReport.json(run).contains(#""warning": "BLKFLSBUF: Permission denied""#))
        #expect(BenchReport.table(run).hasSuffix("No recommendation: no sequential test at queue depth 1 was measured.\n"))
    }

    @Test func loopDeviceNamesItsBackingFile() {
        let target = BenchTargetFacts(path: "/dev/loop3", kind: .blockDevice, readPath: "/dev/loop3", regionSize: 1 << 30,
                                      deviceSize: 1 << 31, sectorSize: 4096, backingFile: "/var/tmp/disk.img")
        let run = BenchRun(target: target, timeLimit: 1_000_000_000,
                           cache: CacheDrop(deviceBuffers: true, backingFile: "/var/tmp/disk.img"), writesLeftOut: false, results: [])
        let lines = BenchReport.table(run).split(separator: "\n")
        #expect(lines[0] == "swdd bench: /dev/loop3 (block device, 2 GiB, 4096-byte sectors, loop device on /var/tmp/disk.img), region 1 GiB, up to 1.0 s per test")
        #expect(lines.contains("Reads are cold: the region is dropped from the page cache before each test (posix_fadvise DONTNEED, BLKFLSBUF, and the loop device's backing file /var/tmp/disk.img)."))
        let json = BenchReport.json(run)
        #expect(json.contains("\"sector_size\": 4096,\n    \"backing_file\": \"/var/tmp/disk.img\""))
        #expect(json.contains("\"blkflsbuf\": true,\n    \"backing_file\": \"/var/tmp/disk.img\",\n    \"in_memory\": null"))
    }

    @Test func memoryFileSystemIsNeverCalledCold() {
        let target = BenchTargetFacts(path: "/dev/shm", kind: .directory, readPath: "/dev/shm/.swdd-bench.1.0",
                                      regionSize: 1 << 20, sectorSize: 4096)
        let run = BenchRun(target: target, timeLimit: 1_000_000_000, cache: CacheDrop(memoryFileSystem: "tmpfs"),
                           writesLeftOut: false, results: [])
        #expect(BenchReport.table(run).split(separator: "\n").contains(
            "Reads come from memory: the data lives on tmpfs, which keeps files in RAM, so no read here is cold."))
        #expect(BenchReport.json(run).contains(#""in_memory": "tmpfs""#))
    }

    /// What `swdd bench` prints row by row is the table printed whole; cut short by a signal,
    /// the rows so far, a line saying so, and no recommendation.
    @Test func streamedTableAndTheCutShortTail() {
        let run = Self.fileRun
        let layout = BenchReport.TableLayout(tests: run.results.map(\.test))
        let streamed = BenchReport.tableHead(target: run.target, timeLimit: run.timeLimit, writesLeftOut: false, layout: layout)
            + run.results.map { BenchReport.tableRow($0, layout: layout) }.joined()
            + BenchReport.tableTail(run, interruptedBy: nil)
        #expect(streamed == BenchReport.table(run))
        var partial = run
        partial.results = Array(run.results.prefix(2))
        #expect(BenchReport.tableTail(partial, interruptedBy: "SIGINT", plannedTests: 7) == """

            Cut short by SIGINT: 2 of 7 tests ran; no recommendation.
            Reads are cold: the region is dropped from the page cache before each test (posix_fadvise DONTNEED).

            """)
        let json = BenchReport.json(partial, interruptedBy: "SIGTERM")
        #expect(json.contains(#""interrupted_by": "SIGTERM""#))
        #expect(json.contains(#""read": null"#) && json.contains(#""write": null"#))
        #expect(BenchReport.json(run).contains(#""interrupted_by": null"#))
    }

    @Test func progressLine() {
        let test = BenchTest(pattern: .read, io: .direct, blockSize: 1 << 20, depth: 8)
        #expect(BenchProgress(phase: .testing(test), testNumber: 3, testCount: 52, bytes: 406_150_000, nanoseconds: 500_000_000).line
                == "[ 3/52] read direct bs=1M qd=8  812.3 MB/s")
        #expect(BenchProgress(phase: .layingOut, testNumber: 0, testCount: 0, bytes: 512 << 20, nanoseconds: 0).line
                == "laying out test file: 512 MiB written  0.0 MB/s")
    }

    @Test func numbersWithoutFoundation() {
        #expect(BenchReport.fixed(0.25, decimals: 3) == "0.250")
        #expect(BenchReport.fixed(12.25, decimals: 1) == "12.3")
        #expect(BenchReport.fixed(0.04, decimals: 1) == "0.0")
        #expect(BenchReport.fixed(99.96, decimals: 1) == "100.0")
        #expect(BenchReport.fixed(7, decimals: 0) == "7")
        #expect(BenchReport.fixed(.nan, decimals: 1) == "0")
    }

    @Test func jsonEscapesStrings() {
        #expect(JSONText.string("a\"b\\c\n\u{1}").rendered() == "\"a\\\"b\\\\c\\n\\u0001\"\n")
    }
}
