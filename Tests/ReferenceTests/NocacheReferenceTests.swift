// iflag=nocache / oflag=nocache, call for call: GNU dd 9.1 adds up what it read and wrote per
// descriptor and advises it in multiples of 128 KiB, keeps the rest pending, advises from the page
// of the rest to the end of the file at the end of input (not with conv=notrunc on the output), the
// exact rest when count= stops the copy, and the whole file for count=0 — failing loudly on a pipe.
// It drops O_DIRECT's cache around a short last write, and conv=noerror's skipped bad blocks go
// through the same bookkeeping. The calls are compared as `strace -y -e trace=fadvise64` shows
// them, without -f (swdd makes them on its main thread), with each descriptor named by its file
// (GNU uses 0 and 1, swdd higher numbers). Without a working strace those cases are skipped loudly.

import Foundation
import Testing

enum NocacheCases {
    /// `trace CMD…`: runs CMD under strace and prints its fadvise64 calls, each descriptor shown
    /// as its file's name, then strace's exit line.
    static let trace = #"""
    trace() {
        strace -o ../fadvise.trace -y -e trace=fadvise64 "$@"
        sed -E -e 's/^fadvise64\([0-9]+<([^>]*\/)?([^>\/]*)>/fadvise64(\2/' -e 's/pipe:\[[0-9]+\]/pipe/' ../fadvise.trace
        rm -f ../fadvise.trace
    }

    """#

    static let input = "rnd 1048583 > in"

    static func traced(_ name: String, setup: String = input, _ command: String) -> DDCase {
        DDCase(name: name, setup: setup, command: trace + command)
    }

    /// Each compares the calls (the command's stdout) besides the usual stderr, status and files.
    static let calls: [DDCase] = [
        traced("iflag=nocache: 128 KiB at a time, then to the end", "trace dd if=in of=out iflag=nocache bs=64K"),
        traced("oflag=nocache: 128 KiB at a time, then to the end", "trace dd if=in of=out oflag=nocache bs=64K"),
        traced("both, count= stops: GNU's output offsets, the exact rest",
               "trace dd if=in of=out iflag=nocache oflag=nocache bs=100000 count=3"),
        traced("both, one buffer of 512 bytes, interleaved", "trace dd if=in of=out iflag=nocache oflag=nocache bs=512"),
        traced("both, two buffers ibs=100000 obs=30000", "trace dd if=in of=out iflag=nocache oflag=nocache ibs=100000 obs=30000"),
        traced("both, conv=ucase ibs=512 obs=3000", "trace dd if=in of=out iflag=nocache oflag=nocache ibs=512 obs=3000 conv=ucase"),
        traced("both, conv=sync bs=3000", "trace dd if=in of=out iflag=nocache oflag=nocache bs=3000 conv=sync"),
        traced("both, conv=unblock cbs=80 ibs=1000 obs=777", setup: "txt 262144 > in",
               "trace dd if=in of=out iflag=nocache oflag=nocache cbs=80 conv=unblock ibs=1000 obs=777"),
        traced("both, conv=swab ibs=1001 obs=777", "trace dd if=in of=out iflag=nocache oflag=nocache conv=swab ibs=1001 obs=777"),
        traced("count=0: the whole file from the page of skip=", "trace dd if=in iflag=nocache count=0 skip=1"),
        traced("count=0 on both", "trace dd if=in of=out iflag=nocache oflag=nocache skip=2000 bs=1000 count=0"),
        traced("count=0 with seek= and notrunc", "trace dd if=in of=out oflag=nocache seek=10 bs=1000 count=0 conv=notrunc"),
        traced("count_bytes: the rest at the end", "trace dd if=in of=out iflag=nocache,count_bytes count=1000"),
        traced("skip= moves the input offset", "trace dd if=in of=out iflag=nocache skip=3 bs=100000"),
        traced("seek= moves the output offset", "trace dd if=in of=out oflag=nocache seek=3 bs=100000"),
        traced("conv=notrunc: no call to the end", "rnd 5000 1 > out; trace dd if=in of=out oflag=nocache conv=notrunc bs=64K"),
        traced("oflag=append", "rnd 5000 1 > out; trace dd if=in of=out oflag=nocache,append conv=notrunc bs=100000"),
        traced("/dev/null to /dev/null: two calls to the end", setup: "",
               "trace dd if=/dev/null of=/dev/null iflag=nocache oflag=nocache"),
        traced("to /dev/null: lseek says 0", "trace dd if=in of=/dev/null oflag=nocache bs=64K"),
        traced("from /dev/zero", setup: "", "trace dd if=/dev/zero of=out iflag=nocache oflag=nocache bs=1000 count=777"),
        traced("conv=sparse seeks count as writes", setup: "zeros 300000 > in; rnd 70000 >> in; zeros 200000 >> in",
               "trace dd if=in of=out conv=sparse iflag=nocache oflag=nocache bs=64K"),
        traced("a write error on one buffer still ends with the rest",
               "trace dd if=in of=/dev/full iflag=nocache oflag=nocache bs=300000"),
        traced("a write error on two buffers quits", "trace dd if=in of=/dev/full iflag=nocache oflag=nocache obs=64K"),
        traced("pipe input, count=1: nothing advised", setup: "", "printf abc | trace dd iflag=nocache count=1 of=out"),
        traced("oflag=direct: around the short last write", "trace dd if=in of=out oflag=direct bs=4096"),
        traced("oflag=direct with seek=", "trace dd if=in of=out oflag=direct bs=4096 seek=1"),
        traced("iflag=nocache oflag=direct: the drop after the read that led to it", setup: "rnd 131073 > in",
               "trace dd if=in of=out iflag=nocache oflag=direct bs=102400"),
        traced("oflag=direct: every short write from a pipe", setup: "",
               "slow abc de f | trace dd oflag=direct bs=4096 of=out"),
    ]

    /// The bad-sector shim of the read-error cases: conv=noerror's skipped records go through
    /// GNU's bookkeeping too — with nocache, and without it once they add up to 128 KiB.
    static func bad(_ start: Int, _ end: Int, _ operands: String, name: String, disk: Int = 262144) -> DDCase {
        DDCase(name: name, setup: ReadErrorCases.setup + "; rnd \(disk) > disk",
               command: trace + "trace -E LD_PRELOAD=$PWD/bad.so -E BAD_FILE=disk -E BAD_START=\(start) -E BAD_END=\(end) "
                   + "dd if=disk of=out \(operands)")
    }

    static let readErrors: [DDCase] = [
        bad(10000, 10001, "bs=4096 conv=noerror,sync iflag=nocache oflag=nocache", name: "noerror,sync with nocache"),
        bad(10000, 10001, "bs=4096 conv=noerror iflag=nocache oflag=nocache", name: "noerror with nocache"),
        bad(65536, 197120, "bs=512 conv=noerror", name: "noerror without nocache: 128 KiB of bad records"),
        bad(65536, 197120, "bs=512 conv=noerror,sync ibs=512 obs=1000 iflag=nocache oflag=nocache",
            name: "noerror,sync, two buffers, nocache, many bad records"),
    ]

    /// Without strace: what the exit status and the messages say.
    static let messages: [DDCase] = [
        DDCase(name: "count=0 on a pipe: failed to discard cache", command: "printf abc | dd iflag=nocache count=0"),
        DDCase(name: "count=0 on a pipe, status=none: still said", command: "printf abc | dd iflag=nocache count=0 status=none"),
        DDCase(name: "count=0 to a pipe", command: "dd oflag=nocache count=0 | cat; echo \"exit $?\""),
        DDCase(name: "count=0 pipe to pipe", command: "printf abc | dd iflag=nocache oflag=nocache count=0 | cat"),
        DDCase(name: "count=1 on a pipe: ignored", command: "printf abc | dd iflag=nocache count=1 of=out"),
        DDCase(name: "pipe to pipe, no count: ignored", command: "printf abc | dd iflag=nocache oflag=nocache | cat > out"),
        // GNU syncs the output after dd_copy even when it copied nothing, or failed to write.
        DDCase(name: "count=0 conv=fsync syncs", command: "dd if=/dev/null of=/dev/null count=0 conv=fsync"),
        DDCase(name: "a failed write, then fsync", setup: "rnd 3000 > in", command: "dd if=in of=/dev/full conv=fsync bs=1K"),
        DDCase(name: "a failed write on two buffers quits after fsync", setup: "rnd 3000 > in",
               command: "dd if=in of=/dev/full conv=fsync obs=1K"),
    ].withUTF8 { $0.name.hasPrefix("count=0 on a pipe:") }
}

@Suite("dd reference: iflag=nocache and oflag=nocache")
struct NocacheReferenceTests {
    /// nil when strace can trace here (installed, and ptrace allowed), else why not.
    static let straceUnavailable: String? = {
        let probe = DDReference.shell("strace -o /dev/null -e trace=fadvise64 true", in: DDReference.scratchRoot + "/strace-probe", create: true)
        try? FileManager.default.removeItem(atPath: DDReference.scratchRoot + "/strace-probe")
        return probe.status == 0 ? nil : "strace does not run here (install it: scripts/setup): \(probe.stderr)"
    }()

    static func requireStrace() throws {
        if let reason = straceUnavailable {
            print("SKIP nocache fadvise64 comparisons: \(reason)")
            try Test.cancel(Comment(rawValue: reason))
        }
    }

    @Test("the same fadvise64 calls as GNU dd", arguments: NocacheCases.calls)
    func calls(_ c: DDCase) throws {
        try Self.requireStrace()
        try DDReference.compare(c)
    }

    @Test("the same fadvise64 calls after read errors", arguments: NocacheCases.readErrors)
    func readErrors(_ c: DDCase) throws {
        try Self.requireStrace()
        try DDReference.compare(c)
    }

    @Test("GNU dd and swdd agree", arguments: NocacheCases.messages)
    func messages(_ c: DDCase) throws {
        try DDReference.compare(c)
    }
}
