// swdd's one safety rule beyond GNU dd, as users meet it: a loop device that is mounted (an ext4
// image attached with `losetup -f --show`) or held with O_EXCL by another process (this test
// runner) is refused by dd mode and by `swdd bench --write` with the same line, dd mode's
// ending in its override; force=yes writes anyway. Device contents are compared before and after.
// Needs root and losetup (and mkfs.ext4 for the mounted case); otherwise skipped, saying why.

import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("swdd safety: busy block devices in dd mode and bench", .serialized)
struct TargetSafetyReferenceTests {
    /// A fresh directory with `swdd` on PATH (a symlink to the binary under test, so dd mode's
    /// messages start with `swdd:` as bench's do).
    static func makeDirectory() throws -> (dir: String, bin: String) {
        let dir = DDReference.scratchRoot + "/safety-\(UUID().uuidString)"
        let bin = dir + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/swdd", withDestinationPath: DDReference.binaryUnderTest)
        return (dir, bin)
    }

    static func skipUnlessLoopDevicesAndSwdd() throws {
        try BenchCommandTests.skipUnderGNU()
        try BenchCommandTests.skipWithoutLoop()
    }

    static let benchWrite = "bench \"$loop\" --write --tests write --time 0.1 --size 1M --bs 64K --depths 1 --io buffered"

    @Test func aMountedDeviceIsRefusedWithOneWordingAndForceOverridesForDD() throws {
        try Self.skipUnlessLoopDevicesAndSwdd()
        guard FileManager.default.isExecutableFile(atPath: "/sbin/mkfs.ext4")
            || FileManager.default.isExecutableFile(atPath: "/usr/sbin/mkfs.ext4") else {
            print("SKIP mounted-device safety test: mkfs.ext4 is not installed")
            try Test.cancel("mkfs.ext4 is not installed")
        }
        let (dir, bin) = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Should the script stop half-way: unmount, and detach only the devices backed by our disk.
        defer { _ = DDReference.shell("umount mnt 2>/dev/null; losetup -n -O NAME -j \"$PWD/disk\" | xargs -r -n1 losetup -d", in: dir) }
        let result = DDReference.shell(#"""
            rnd 512 9 > pat
            truncate -s 32M disk && mkfs.ext4 -q -F disk && mkdir mnt || exit 97
            loop=$(losetup -f --show disk) || exit 98
            echo "$loop" > loop
            mount "$loop" mnt || { losetup -d "$loop"; exit 96; }
            head -c 512 "$loop" > before
            swdd if=pat of="$loop" 2> dd.err; echo "dd: $?"
            swdd if=pat > "$loop" 2> stdout.err; echo "dd to standard output: $?"
            swdd \#(Self.benchWrite) > /dev/null 2> bench.err; echo "bench: $?"
            head -c 512 "$loop" > after
            # 512 bytes at offset 0 are ext4's boot-sector padding: the mounted file system survives it.
            swdd if=pat of="$loop" force=yes 2> /dev/null; echo "dd force=yes: $?"
            head -c 512 "$loop" > forced
            umount mnt
            losetup -d "$loop"
            """#, in: dir, path: bin)
        func file(_ name: String) -> String {
            (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? "<no \(name)>"
        }
        func bytes(_ name: String) -> Data? { FileManager.default.contents(atPath: dir + "/" + name) }
        let loop = file("loop").trimmingCharacters(in: .newlines)
        #expect(String(decoding: result.stdout, as: UTF8.self)
                == "dd: 1\ndd to standard output: 1\nbench: 1\ndd force=yes: 0\n", "\(result.stderr)")
        let why = "mounted on \(dir)/mnt"
        #expect(file("dd.err") == "swdd: refusing to write to block device '\(loop)': \(why) (use force=yes to override)\n")
        #expect(file("stdout.err") == "swdd: refusing to write to block device 'standard output': \(why) (use force=yes to override)\n")
        #expect(file("bench.err") == "swdd: refusing to write to block device '\(loop)': \(why)\n")
        // One wording: dd mode's line is bench's plus the override bench does not offer.
        #expect(file("dd.err") == String(file("bench.err").dropLast()) + " (use force=yes to override)\n")
        #expect(bytes("after") == bytes("before") && bytes("after") != nil, "a refused write reached the device")
        #expect(bytes("forced") == bytes("pat") && bytes("pat")?.count == 512, "force=yes did not write the device")
    }

    @Test func aDeviceHeldExclusivelyByAnotherProcessIsRefused() throws {
        try Self.skipUnlessLoopDevicesAndSwdd()
        let (dir, bin) = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let attach = DDReference.shell(#"""
            rnd 512 9 > pat
            truncate -s 8M disk && losetup -f --show disk
            """#, in: dir, path: bin)
        let loop = String(decoding: attach.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(attach.status == 0 && loop.hasPrefix("/dev/"), "losetup failed: \(attach.stderr)")
        defer { _ = DDReference.shell("losetup -d '\(loop)'", in: dir) }  // after the hold is closed

        // Free, it is written; then this process claims it, as a mount or a RAID would.
        let free = DDReference.shell("swdd if=pat of='\(loop)' 2> /dev/null; echo \"free: $?\"", in: dir, path: bin)
        #expect(String(decoding: free.stdout, as: UTF8.self) == "free: 0\n")
        let hold = open(loop, O_WRONLY | O_EXCL | O_CLOEXEC)
        try #require(hold >= 0, "cannot hold \(loop) with O_EXCL: \(String(cString: strerror(errno)))")
        defer { close(hold) }
        let result = DDReference.shell(#"""
            loop='\#(loop)'
            swdd if=pat of="$loop" 2> dd.err; echo "dd: $?"
            swdd if=pat > "$loop" 2> stdout.err; echo "dd to standard output: $?"
            swdd \#(Self.benchWrite) > /dev/null 2> bench.err; echo "bench: $?"
            swdd if=pat of="$loop" seek=1 force=yes 2> /dev/null; echo "dd force=yes: $?"
            """#, in: dir, path: bin)
        func file(_ name: String) -> String {
            (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? "<no \(name)>"
        }
        #expect(String(decoding: result.stdout, as: UTF8.self)
                == "dd: 1\ndd to standard output: 1\nbench: 1\ndd force=yes: 0\n", "\(result.stderr)")
        let why = "in use by another process"
        #expect(file("dd.err") == "swdd: refusing to write to block device '\(loop)': \(why) (use force=yes to override)\n")
        #expect(file("stdout.err") == "swdd: refusing to write to block device 'standard output': \(why) (use force=yes to override)\n")
        #expect(file("bench.err") == "swdd: refusing to write to block device '\(loop)': \(why)\n")
    }
}
