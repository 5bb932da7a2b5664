import Foundation
import Testing
@testable import SwddBench
import SwddSystem
import SwddTestSupport

@Suite(.serialized) struct BenchTargetTests {
    @Test func realLoopDeviceWithoutWriteIsReadOnly() throws {
        guard Shell.isRoot else {
            print("SKIPPED realLoopDeviceWithoutWriteIsReadOnly: needs root for losetup")
            return
        }
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        Shell.run("truncate -s 16M '\(dir)/disk'")
        guard let loop = Shell.attachLoop("\(dir)/disk") else {
            print("SKIPPED realLoopDeviceWithoutWriteIsReadOnly: no loop device available")
            return
        }
        defer { Shell.run("losetup -d \(loop)") }
        let scratch = ScratchFiles()
        let target = try BenchTarget.open(loop, regionSize: 1 << 30, writeInPlace: false, scratch: scratch)
        defer { target.close() }
        #expect(!target.writesAllowed)
        #expect(target.facts.kind == .blockDevice)
        #expect(target.facts.regionSize == 16 << 20)  // capped at the device
        #expect(target.facts.deviceSize == 16 << 20)
        #expect(target.facts.sectorSize == 512)
        #expect(scratch.paths.isEmpty)
    }

    /// Whether a device may be written, and holding it while it is, are the caller's policy
    /// (the CLI's TargetSafety): the target opens it for writing and claims nothing.
    @Test func writableLoopDeviceIsLeftForTheCallerToClaim() throws {
        guard Shell.isRoot else {
            print("SKIPPED writableLoopDeviceIsLeftForTheCallerToClaim: needs root for losetup")
            return
        }
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        Shell.run("truncate -s 16M '\(dir)/disk'")
        guard let loop = Shell.attachLoop("\(dir)/disk") else {
            print("SKIPPED writableLoopDeviceIsLeftForTheCallerToClaim: no loop device available")
            return
        }
        defer { Shell.run("losetup -d \(loop)") }
        guard case .claimed(let claim) = BlockDeviceClaim.claim(loop) else {
            Issue.record("a free loop device could not be claimed")
            return
        }
        let target = try BenchTarget.open(loop, regionSize: 8 << 20, writeInPlace: true, scratch: ScratchFiles())
        #expect(target.writesAllowed)
        #expect(target.facts.regionSize == 8 << 20)
        target.close()
        claim.release()
    }

    @Test func directoryOnTmpfsReadsFromMemory() throws {
        let own = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: own) }
        for directory in ["/dev/shm", own] {
            guard Shell.run("test -d '\(directory)' -a -w '\(directory)'").status == 0 else {
                print("SKIPPED directoryOnTmpfsReadsFromMemory for \(directory): not a writable directory")
                continue
            }
            let target = try BenchTarget.open(directory, regionSize: 1 << 20, writeInPlace: false, scratch: ScratchFiles())
            let expected: String? = Shell.fileSystemType(directory) == "tmpfs" ? "tmpfs" : nil
            #expect(target.cacheDrop == CacheDrop(memoryFileSystem: expected), "\(directory)")
            target.close()
        }
    }

    @Test func loopDeviceCacheDropReachesTheBackingFile() throws {
        guard Shell.isRoot else {
            print("SKIPPED loopDeviceCacheDropReachesTheBackingFile: needs root for losetup")
            return
        }
        guard Shell.run("command -v fincore").status == 0 else {
            print("SKIPPED loopDeviceCacheDropReachesTheBackingFile: fincore (util-linux) not installed")
            return
        }
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard Shell.fileSystemType(dir) != "tmpfs" else {
            print("SKIPPED loopDeviceCacheDropReachesTheBackingFile: \(dir) is on tmpfs, whose pages cannot be dropped")
            return
        }
        Shell.run("head -c 4194304 /dev/urandom > '\(dir)/disk' && sync '\(dir)/disk'")
        guard let loop = Shell.attachLoop("\(dir)/disk") else {
            print("SKIPPED loopDeviceCacheDropReachesTheBackingFile: no loop device available")
            return
        }
        defer { Shell.run("losetup -d \(loop)") }
        let target = try BenchTarget.open(loop, regionSize: 4 << 20, writeInPlace: false, scratch: ScratchFiles())
        defer { target.close() }
        #expect(target.facts.backingFile == "\(dir)/disk")
        #expect(target.cacheDrop == CacheDrop(deviceBuffers: true, backingFile: "\(dir)/disk"))

        // Reading through the loop device fills the backing file's page cache; the drop empties it.
        Shell.run("cat \(loop) > /dev/null")
        #expect((Shell.residentPages("\(dir)/disk") ?? 0) > 0)
        target.dropBackingFileCache()
        #expect(Shell.residentPages("\(dir)/disk") == 0)
    }

    @Test func directIOLoopDeviceHasNoBackingCacheToDrop() throws {
        guard Shell.isRoot else {
            print("SKIPPED directIOLoopDeviceHasNoBackingCacheToDrop: needs root for losetup")
            return
        }
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        Shell.run("truncate -s 4M '\(dir)/disk'")
        let attached = Shell.run("losetup -f --show --direct-io=on '\(dir)/disk'")
        guard attached.status == 0 else {
            print("SKIPPED directIOLoopDeviceHasNoBackingCacheToDrop: losetup --direct-io failed: \(attached.output)")
            return
        }
        let loop = attached.output
        defer { Shell.run("losetup -d \(loop)") }
        // The kernel may refuse direct I/O on this backing file system and fall back: ask it.
        let directIO = Shell.run("cat /sys/block/\(loop.split(separator: "/").last ?? "")/loop/dio").output == "1"
        let target = try BenchTarget.open(loop, regionSize: 4 << 20, writeInPlace: false, scratch: ScratchFiles())
        defer { target.close() }
        #expect(target.facts.backingFile == "\(dir)/disk")
        #expect(target.cacheDrop.backingFile == (directIO ? nil : "\(dir)/disk"))
    }

    @Test func otherKindsAreRefused() {
        #expect(throws: BenchError.refused("cannot bench '/dev/null': not a block device, regular file or directory")) {
            _ = try BenchTarget.open("/dev/null", regionSize: 1 << 20, writeInPlace: false, scratch: ScratchFiles())
        }
        #expect(throws: BenchError.refused("cannot bench '/nonexistent-dir/x': No such file or directory (to measure a new file, name the directory it would be in)")) {
            _ = try BenchTarget.open("/nonexistent-dir/x", regionSize: 1 << 20, writeInPlace: false, scratch: ScratchFiles())
        }
        #expect(BenchError.system(SystemError("stat", path: "/nonexistent-dir/x", code: .noSuchFileOrDirectory)).message
                == "cannot stat '/nonexistent-dir/x': No such file or directory")
    }

    @Test func fileTargetIsReadInPlaceAndWrittenOnATemporaryFileNextToIt() throws {
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: "\(dir)/keep", contents: Data("precious".utf8))
        let scratch = ScratchFiles()
        let target = try BenchTarget.open("\(dir)/keep", regionSize: 1 << 20, writeInPlace: false, scratch: scratch)
        #expect(target.facts.kind == .file)
        #expect(target.writesAllowed)
        #expect(target.facts.readPath == "\(dir)/keep")
        #expect(target.facts.regionSize == 8)
        #expect(target.facts.writePath.hasPrefix("\(dir)/.swdd-bench."))
        #expect(FileManager.default.fileExists(atPath: target.facts.writePath))
        target.close()
        #expect(!FileManager.default.fileExists(atPath: target.facts.writePath))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["keep"])
        #expect(FileManager.default.contents(atPath: "\(dir)/keep") == Data("precious".utf8))
    }

    /// A target that does not exist (a mistyped `/dev/loop99`, `nosuch.img`) is an error naming
    /// it, and nothing is created where it would be.
    @Test func aMissingTargetIsAnErrorAndNothingIsCreated() throws {
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: BenchError.refused("cannot bench '\(dir)/new.img': No such file or directory (to measure a new file, name the directory it would be in)")) {
            _ = try BenchTarget.open("\(dir)/new.img", regionSize: 1 << 20, writeInPlace: false, scratch: ScratchFiles())
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
    }

    @Test func removeAllStopsNewFilesAndClearsOld() throws {
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scratch = ScratchFiles()
        let first = try scratch.create(in: dir)
        let second = try scratch.create(in: dir + "/")
        #expect(first != second)
        scratch.removeAll()
        scratch.removeAll()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        #expect(throws: BenchError.refused("interrupted")) { _ = try scratch.create(in: dir) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func parentDirectories() {
        #expect(BenchTarget.parentDirectory(of: "a/b/c") == "a/b")
        #expect(BenchTarget.parentDirectory(of: "c") == ".")
        #expect(BenchTarget.parentDirectory(of: "/c") == "/")
    }
}
