import Foundation
import Testing
import SwddTestSupport
#if canImport(Glibc)
import Glibc
#endif
@testable import SwddCLI
import SwddSystem

@Suite struct TargetSafetyTests {
    /// A block device 4095:0 (a major no kernel hands out, so `/sys/dev/block` knows no partitions).
    static var device: FileStatus {
        var status = FileStatus(stat())
        status.kind = .blockDevice
        status.representedDevice = 4095 << 8
        return status
    }

    static let mounted = MountTable(
        entries: MountTable.parseMountInfo("40 22 4095:0 / /mnt/data rw,relatime - ext4 /dev/sdz rw\n"),
        swapDevices: [])

    @Test func refusalsNameTheDeviceWhyAndTheOverride() {
        #expect(TargetSafety.check("/dev/sdz", status: Self.device, mounts: Self.mounted, frontEnd: .ddMode)?.message
                == "refusing to write to block device '/dev/sdz': mounted on /mnt/data (use force=yes to override)")
        #expect(TargetSafety.check(nil, status: Self.device, mounts: Self.mounted, frontEnd: .ddMode)?.message
                == "refusing to write to block device 'standard output': mounted on /mnt/data (use force=yes to override)")
        let swap = MountTable(entries: [], swapDevices: ["/dev/swdd-test-swap"])
        #expect(TargetSafety.check("/dev/swdd-test-swap", status: Self.device, mounts: swap, frontEnd: .ddMode)?.message
                == "refusing to write to block device '/dev/swdd-test-swap': in use as swap (use force=yes to override)")
        #expect(TargetSafety.Refusal(device: "/dev/sdz", reason: .heldByAnotherProcess, frontEnd: .ddMode).message
                == "refusing to write to block device '/dev/sdz': in use by another process (use force=yes to override)")
    }

    /// Same wording in bench, which offers no override and so names none.
    @Test func benchRefusalsHaveTheSameWordingWithoutAnOverride() {
        #expect(TargetSafety.check("/dev/sdz", status: Self.device, mounts: Self.mounted, frontEnd: .bench)?.message
                == "refusing to write to block device '/dev/sdz': mounted on /mnt/data")
        #expect(TargetSafety.Refusal(device: "/dev/sdz", reason: .heldByAnotherProcess, frontEnd: .bench).message
                == "refusing to write to block device '/dev/sdz': in use by another process")
    }

    @Test func onlyABlockDeviceInUseIsRefused() {
        let empty = MountTable(entries: [], swapDevices: [])
        #expect(TargetSafety.check("/dev/sdz", status: Self.device, mounts: empty, frontEnd: .ddMode) == nil)
        var other = Self.device
        other.representedDevice = 4095 << 8 | 1
        #expect(TargetSafety.check("/dev/sdz1", status: other, mounts: Self.mounted, frontEnd: .ddMode) == nil)
        // A regular file's numbers mean nothing, whatever they are.
        var file = Self.device
        file.kind = .regular
        #expect(TargetSafety.check("image", status: file, mounts: Self.mounted, frontEnd: .ddMode) == nil)
    }

    @Test func forcedOrNotABlockDeviceLooksNoFurther() throws {
        var asked = false
        let tables = { () -> MountTable in asked = true; return Self.mounted }
        let forced = try TargetSafety.claimForWriting("/dev/null", force: true, frontEnd: .ddMode, mounts: tables)
        let characterDevice = try TargetSafety.claimForWriting("/dev/null", force: false, frontEnd: .ddMode, mounts: tables)
        let missing = try TargetSafety.claimForWriting("/nonexistent/swdd", force: false, frontEnd: .bench, mounts: tables)
        #expect(forced == nil && characterDevice == nil && missing == nil)
        #expect(!asked)
    }


    /// A real mounted loop device: the mount table says so first; without it, the kernel's
    /// EBUSY for the `O_EXCL` claim still refuses it.
    @Test func aMountedLoopDeviceIsRefused() throws {
        guard getuid() == 0 else {
            print("SKIPPED aMountedLoopDeviceIsRefused: needs root for losetup and mount")
            return
        }
        guard Shell.output("command -v mkfs.ext4") != nil else {
            print("SKIPPED aMountedLoopDeviceIsRefused: mkfs.ext4 is not installed")
            return
        }
        let dir = "/var/tmp/swdd-safety-\(getpid())"
        defer { _ = Shell.output("rm -rf '\(dir)'") }
        guard let loop = Shell.output("mkdir -p '\(dir)/mnt' && truncate -s 32M '\(dir)/disk' && mkfs.ext4 -q -F '\(dir)/disk'"
                                    + " && losetup -f --show '\(dir)/disk'") else {
            print("SKIPPED aMountedLoopDeviceIsRefused: mkfs.ext4 or losetup -f --show failed")
            return
        }
        defer { _ = Shell.output("losetup -d '\(loop)'") }
        guard Shell.output("mount '\(loop)' '\(dir)/mnt'") != nil else {
            print("SKIPPED aMountedLoopDeviceIsRefused: mount failed")
            return
        }
        defer { _ = Shell.output("umount '\(dir)/mnt'") }
        let mountPoint = try #require(Shell.output("findmnt -n -o TARGET '\(loop)'"))
        #expect(throws: TargetSafety.Refusal(device: loop, reason: .inUse(.mounted(on: mountPoint)), frontEnd: .bench)) {
            _ = try TargetSafety.claimForWriting(loop, force: false, frontEnd: .bench)
        }
        #expect(throws: TargetSafety.Refusal(device: loop, reason: .heldByAnotherProcess, frontEnd: .ddMode)) {
            _ = try TargetSafety.claimForWriting(loop, force: false, frontEnd: .ddMode,
                                                 mounts: { MountTable(entries: [], swapDevices: []) })
        }
        #expect(try TargetSafety.claimForWriting(loop, force: true, frontEnd: .ddMode) == nil)
    }

    /// A free device is claimed and held: while it is, the next writer is refused.
    @Test func aClaimedLoopDeviceIsRefusedToTheNextWriter() throws {
        guard getuid() == 0 else {
            print("SKIPPED aClaimedLoopDeviceIsRefusedToTheNextWriter: needs root for losetup")
            return
        }
        let image = "/var/tmp/swdd-safety-claim-\(getpid())"
        defer { unlink(image) }
        guard let loop = Shell.output("truncate -s 1M '\(image)' && losetup -f --show '\(image)'") else {
            print("SKIPPED aClaimedLoopDeviceIsRefusedToTheNextWriter: losetup -f --show failed")
            return
        }
        defer { _ = Shell.output("losetup -d '\(loop)'") }
        let claim = try #require(try TargetSafety.claimForWriting(loop, force: false, frontEnd: .ddMode))
        #expect(throws: TargetSafety.Refusal(device: loop, reason: .heldByAnotherProcess, frontEnd: .bench)) {
            _ = try TargetSafety.claimForWriting(loop, force: false, frontEnd: .bench)
        }
        claim.release()
    }
}
