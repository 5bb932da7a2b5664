// Block devices: each run attaches its own copy of a 4 MiB image with `losetup -f --show`
// (512- and 4096-byte logical sectors) as `loop` (and `loop2`), copies to and from it with
// buffered and direct I/O, then the harness detaches it and compares the images byte for byte.
// Also swdd's safety extension: a mounted device is refused unless `force=yes` is given.
// Needs root and a working losetup; otherwise every test here is skipped and says why.

import Foundation
import Testing

enum DeviceCases {
    static let setup = "rnd 4194304 > disk.img; rnd 4194304 333 > disk2.img; rnd 1048583 4444 > in; "
        + "{ rnd 8192 55; zeros 65536; rnd 4096 66; } > sparsein"

    static func cases(sectorSize: Int) -> [DDCase] {
        let one = [LoopAttachment(sectorSize: sectorSize)]
        let two = [LoopAttachment(sectorSize: sectorSize),
                   LoopAttachment(image: "disk2.img", link: "loop2", sectorSize: sectorSize)]
        let table: [(String, String, [LoopAttachment])] = [
            ("write bs=512", "dd if=in of=loop", one),
            ("write bs=4096 oflag=direct", "dd if=in of=loop bs=4096 oflag=direct", one),
            ("write bs=1M oflag=direct seek=1", "dd if=in of=loop bs=1M oflag=direct seek=1", one),
            ("write bs=1M oflag=direct unaligned tail", "dd if=in of=loop bs=1M oflag=direct", one),
            ("write bs=512 oflag=direct", "dd if=in of=loop bs=512 oflag=direct count=9", one),
            ("write bs=4096 seek=3 count=2", "dd if=in of=loop bs=4096 seek=3 count=2", one),
            ("write seek=1 count=0 (no truncation of devices)", "dd if=in of=loop seek=1 count=0", one),
            ("write past the end (ENOSPC)", "dd if=/dev/zero of=loop bs=1M seek=3 count=2", one),
            ("write past the end oflag=direct", "dd if=/dev/zero of=loop bs=1M seek=3 count=2 oflag=direct", one),
            ("write conv=sparse keeps old data in holes", "dd if=sparsein of=loop bs=4096 conv=sparse", one),
            ("write conv=fsync", "dd if=in of=loop bs=64K count=3 conv=fsync", one),
            ("read bs=512", "dd if=loop of=out", one),
            ("read bs=4096 iflag=direct", "dd if=loop of=out bs=4096 iflag=direct", one),
            ("read bs=1M iflag=direct count=2", "dd if=loop of=out bs=1M iflag=direct count=2", one),
            ("read bs=512 skip=5 count=100", "dd if=loop of=out bs=512 skip=5 count=100", one),
            ("read bs=512 iflag=direct", "dd if=loop of=out bs=512 iflag=direct count=16", one),
            ("read skip past the end", "dd if=loop of=out bs=1M skip=10", one),
            ("read skip_bytes,count_bytes", "dd if=loop of=out bs=64K iflag=skip_bytes,count_bytes skip=1000 count=70000", one),
            ("read to a pipe", "dd if=loop bs=64K count=5 | cat > out", one),
            ("device to device bs=1M oflag=direct", "dd if=loop of=loop2 bs=1M oflag=direct", two),
            ("device to device bs=4096 iflag=direct skip seek", "dd if=loop of=loop2 bs=4096 iflag=direct skip=7 seek=11 count=100", two),
            ("device to device bs=4M", "dd if=loop of=loop2 bs=4M", two),
        ]
        return table.map { name, command, loops in
            DDCase(name: "\(sectorSize)-byte sectors: \(name)", setup: setup, command: command, loops: loops)
        }
    }

    static let all: [DDCase] = (cases(sectorSize: 512) + cases(sectorSize: 4096))
        .withUTF8 { $0.name.contains("ENOSPC") || $0.name.contains("skip past") }
}

@Suite("dd reference: loop devices", .serialized,
       .enabled(if: DDReference.loopUnavailableReason == nil,
                "\(DDReference.loopUnavailableReason ?? "") — loop-device reference tests skipped"))
struct DeviceReferenceTests {
    init() {
        if let reason = DDReference.loopUnavailableReason { print("SKIP loop devices: \(reason)") }
    }

    @Test("GNU dd and swdd agree", arguments: DeviceCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }

    /// swdd's safety extension (GNU dd has none): a mounted block device is refused with one
    /// clear error line and left untouched, unless `force=yes` is given. (Bench's refusal, and a
    /// device held by another process: TargetSafetyReferenceTests.)
    @Test("a mounted block device is refused unless force=yes",
          .enabled(if: !DDReference.binaryUnderTestIsGNU, "the binary under test is GNU dd, which has no such guard"),
          arguments: ["dd", "swdd"], [false, true])
    func mountedDevice(invokedAs name: String, force: Bool) throws {
        let c = DDCase(
            name: "mounted \(name) force=\(force)",
            setup: "rnd 512 9 > pat; zeros 33554432 > disk.img",
            command: """
            mkfs.ext4 -q -F loop >/dev/null 2>&1 || { echo mkfs failed; exit 90; }
            mkdir mnt && mount loop mnt || { echo mount failed; exit 91; }
            head -c 512 loop > before
            \(name) if=pat of=loop count=1\(force ? " force=yes" : ""); echo "exit $?"
            head -c 512 loop > after
            """,
            cleanup: "umount mnt 2>/dev/null; true",
            loops: [LoopAttachment()])
        let dir = try DDReference.prepare(c)
        let run = try DDReference.run(c, binary: DDReference.binaryUnderTest, side: "swdd", caseDir: dir)
        let stdout = String(decoding: run.stdout, as: UTF8.self)
        let pattern = run.files["pat"] ?? []
        if force {
            #expect(stdout == "exit 0\n", "stderr: \(run.stderr)")
            #expect(run.stderr.hasPrefix("1+0 records in\n1+0 records out\n"), "stderr: \(run.stderr)")
            #expect(run.files["after"] == pattern, "force=yes did not write the device")
        } else {
            #expect(stdout.hasPrefix("exit "), "stdout: \(stdout)")
            #expect(stdout != "exit 0\n", "writing a mounted device succeeded")
            // One line: the program name as invoked, the device as named, why, and the override.
            #expect(run.stderr == "\(name): refusing to write to block device 'loop': mounted on \(run.directory)/mnt"
                    + " (use force=yes to override)\n")
            #expect(run.files["after"] == run.files["before"], "the mounted device was modified")
            #expect(run.files["after"] != pattern)
        }
        try? FileManager.default.removeItem(atPath: dir)
    }
}
