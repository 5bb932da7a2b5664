import Foundation
import Testing
import SwddTestSupport
@testable import SwddBench
import SwddSystem

/// Short real runs (0.2 s per test, 8 MiB region): every row comes back measured and positive,
/// and the temporary file is gone afterwards. Speed itself is never asserted here.
@Suite(.serialized) struct BenchRunTests {
    static let plan = BenchPlan(timeLimit: 200_000_000, regionSize: 8 << 20)

    @Test func fullMatrixOnATemporaryFile() throws {
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scratch = ScratchFiles()
        let target = try BenchTarget.open(dir, regionSize: Self.plan.regionSize,
                                          writeInPlace: false, scratch: scratch)
        #expect(target.facts.kind == .directory)
        var reports = 0
        var runner = BenchRunner(target: target, plan: Self.plan)
        runner.progressInterval = 1_000_000
        let run = try runner.run { progress in
            reports += 1
            #expect(progress.bytes >= 0)
        }
        target.close()

        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        #expect(scratch.paths.isEmpty)
        #expect(reports >= 0)

        let expected = Self.plan.tests(writesAllowed: true)
        #expect(run.results.map(\.test) == expected)
        #expect(run.results.count == 52)
        for result in run.results {
            guard let m = result.measurement else {
                Issue.record("\(result.test.label) was not measured: \(result.outcome)")
                continue
            }
            #expect(m.bytes > 0, "\(result.test.label)")
            #expect(m.bytes % Int64(result.test.blockSize) == 0, "\(result.test.label)")
            #expect(m.bytes <= 8 << 20, "\(result.test.label): one pass at most")
            #expect(m.bytesPerSecond > 0, "\(result.test.label)")
            #expect((result.iops ?? 0) > 0, "\(result.test.label)")
        }
        #expect(run.cache == CacheDrop(memoryFileSystem: Shell.fileSystemType(dir) == "tmpfs" ? "tmpfs" : nil))
        #expect(!run.writesLeftOut)
        #expect(run.recommendation.read != nil)
        #expect(run.recommendation.write != nil)

        let table = BenchReport.table(run)
        for test in expected {
            let rowStart = "\(test.pattern.rawValue)"
            #expect(table.contains(rowStart))
        }
        #expect(table.split(separator: "\n").filter { $0.hasPrefix("read ") || $0.hasPrefix("write ") || $0.hasPrefix("randread ") }.count == 52)
        #expect(BenchReport.json(run).split(separator: "\n").filter { $0.contains(#""bytes_per_second""#) && $0.contains(#""test""#) }.count == 52)
    }

    /// A named file is read in place (its own 256 KiB, though 1 MiB was asked for), read-only;
    /// the writes go to a temporary file next to it, removed at the end.
    @Test func fileTargetIsReadInPlaceAndWrittenBeside() throws {
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let content = Data((0..<(256 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) })
        _ = FileManager.default.createFile(atPath: "\(dir)/data", contents: content)
        let plan = BenchPlan(blockSizes: [64 << 10], depths: [1, 4], timeLimit: 1_000_000_000, regionSize: 1 << 20)
        let target = try BenchTarget.open("\(dir)/data", regionSize: plan.regionSize,
                                          writeInPlace: false, scratch: ScratchFiles())
        #expect(target.facts.readPath == "\(dir)/data" && target.facts.regionSize == 256 << 10)
        #expect(target.facts.writePath.hasPrefix("\(dir)/.swdd-bench."))
        var streamed: [BenchResult] = []
        let run = try BenchRunner(target: target, plan: plan).run(finished: { result, _ in streamed.append(result) })
        target.close()
        #expect(streamed == run.results)
        #expect(run.results.count == 12)
        let sequential = run.results.filter { $0.test.pattern != .randomRead }
        #expect(sequential.allSatisfy { $0.measurement?.bytes == 256 << 10 && $0.measurement?.coveredRegion == true })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["data"])
        #expect(FileManager.default.contents(atPath: "\(dir)/data") == content)
    }

    /// With `--write` (writeInPlace) the file itself is written, its size unchanged, and no
    /// temporary file is made.
    @Test func fileTargetWrittenInPlaceWhenAsked() throws {
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let content = Data(repeating: 0x41, count: 128 << 10)
        _ = FileManager.default.createFile(atPath: "\(dir)/data", contents: content)
        let plan = BenchPlan(blockSizes: [64 << 10], modes: [.buffered], depths: [1], patterns: [.write],
                             timeLimit: 1_000_000_000, regionSize: 1 << 20)
        let target = try BenchTarget.open("\(dir)/data", regionSize: plan.regionSize, writeInPlace: true, scratch: ScratchFiles())
        #expect(target.facts.writePath == "\(dir)/data")
        let run = try BenchRunner(target: target, plan: plan).run()
        target.close()
        #expect(run.results.count == 1 && run.results[0].measurement?.bytes == 128 << 10)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["data"])
        let after = try #require(FileManager.default.contents(atPath: "\(dir)/data"))
        #expect(after.count == content.count && after != content)
    }

    @Test func loopDeviceReadsWithoutWrite() throws {
        guard Shell.isRoot else {
            print("SKIPPED loopDeviceReadsWithoutWrite: needs root for losetup")
            return
        }
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        Shell.run("head -c 8388608 /dev/urandom > '\(dir)/disk'")
        guard let loop = Shell.attachLoop("\(dir)/disk") else {
            print("SKIPPED loopDeviceReadsWithoutWrite: no loop device available")
            return
        }
        defer { Shell.run("losetup -d \(loop)") }
        let before = Shell.run("sha256sum < '\(dir)/disk'").output
        let plan = BenchPlan(blockSizes: [4096, 1 << 20], depths: [1, 4], timeLimit: 100_000_000, regionSize: 8 << 20)
        let target = try BenchTarget.open(loop, regionSize: plan.regionSize, writeInPlace: false, scratch: ScratchFiles())
        let run = try BenchRunner(target: target, plan: plan).run()
        target.close()
        #expect(run.writesLeftOut)
        #expect(run.cache == CacheDrop(deviceBuffers: true, backingFile: "\(dir)/disk",
                                       memoryFileSystem: Shell.fileSystemType(dir) == "tmpfs" ? "tmpfs" : nil))
        #expect(run.results.count == 12)  // 2 sizes × 2 modes × 2 depths of reads + 4 random rows
        #expect(!run.results.contains { $0.test.pattern == .write })
        #expect(run.results.allSatisfy { ($0.measurement?.bytes ?? 0) > 0 })
        #expect(Shell.run("sha256sum < '\(dir)/disk'").output == before)
    }
}
