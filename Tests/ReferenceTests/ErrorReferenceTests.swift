// Errors: every message GNU dd gives for bad operands, files it cannot open, reads and writes
// that fail (a directory, /dev/full, a full 1 MiB tmpfs, a read-only mount), unseekable outputs.
// The text is locale-dependent (quotes), so most of these run in C and in C.UTF-8.

import Testing

enum ErrorCases {
    static let operands: [DDCase] = {
        var cases: [DDCase] = []
        for (operand, value) in [("bs", "abc"), ("bs", "0"), ("bs", "-1"), ("bs", "1x"), ("bs", ""), ("bs", "1.5K"),
                                 ("bs", "1kb"), ("bs", "1Ki"), ("ibs", "0"), ("obs", "0"), ("cbs", "0"), ("cbs", "x"),
                                 ("count", "-1"), ("count", "1Z"), ("count", "1Y"), ("count", "1R"), ("count", "1Q"),
                                 ("count", "99999999999999999999"), ("skip", "1Q"), ("skip", "x1"), ("seek", "1e3"),
                                 ("count", "1BB"), ("bs", "1B"), ("seek", "1x-1"), ("count", "0x"), ("bs", "1E"),
                                 ("bs", "2G"), ("ibs", "1x1x0"), ("count", " 1"), ("count", "+1")] {
            cases.append(DDCase(name: "\(operand)=\(value)", command: "dd if=/dev/null of=out \(operand)=\(value)"))
        }
        cases += [
            DDCase(name: "unrecognized operand foo=bar", command: "dd if=/dev/null foo=bar"),
            DDCase(name: "unrecognized operand without =", command: "dd if=/dev/null of=out foo"),
            DDCase(name: "operand with empty name", command: "dd =x"),
            DDCase(name: "status=bogus", command: "dd if=/dev/null of=out status=bogus"),
            DDCase(name: "status= (empty)", command: "dd if=/dev/null of=out status="),
            DDCase(name: "unrecognized option --bogus", command: "dd --bogus"),
            DDCase(name: "invalid option -x", command: "dd -x"),
            DDCase(name: "-- then operands", setup: "rnd 100 > in", command: "dd -- if=in of=out"),
            DDCase(name: "repeated operand: last wins", setup: "rnd 100 > in; rnd 50 3 > in2",
                   command: "dd if=in if=in2 of=out"),
            DDCase(name: "errors reported even with status=none", command: "dd if=missing status=none"),
        ]
        return cases
    }()

    static let files: [DDCase] = [
        DDCase(name: "missing input", command: "dd if=missing of=out"),
        DDCase(name: "input in a missing directory", command: "dd if=nodir/in of=out"),
        DDCase(name: "output in a missing directory", setup: "rnd 10 > in", command: "dd if=in of=nodir/out"),
        DDCase(name: "output is a directory", setup: "rnd 10 > in", command: "dd if=in of=."),
        DDCase(name: "input is a directory", command: "dd if=/ of=out"),
        DDCase(name: "input is a directory, count=0", command: "dd if=/ of=out count=0"),
        DDCase(name: "output on a read-only mount", setup: "rnd 10 > in; mkdir ro",
               command: "mount -t tmpfs -o ro,size=64k tmpfs ro && dd if=in of=ro/out", cleanup: "umount ro", needsRoot: true),
        DDCase(name: "output /dev/full", setup: "rnd 1000 > in", command: "dd if=in of=/dev/full"),
        DDCase(name: "output /dev/full bs=100", setup: "rnd 1000 > in", command: "dd if=in of=/dev/full bs=100"),
        DDCase(name: "full small tmpfs", setup: "mkdir full",
               command: "mount -t tmpfs -o size=1M tmpfs full && dd if=/dev/zero of=full/out bs=64K count=32",
               check: "stat -c %s full/out", cleanup: "umount full", needsRoot: true),
        DDCase(name: "full small tmpfs bs=1000", setup: "mkdir full",
               command: "mount -t tmpfs -o size=1M tmpfs full && dd if=/dev/zero of=full/out bs=1000",
               check: "stat -c %s full/out", cleanup: "umount full", needsRoot: true),
        DDCase(name: "full small tmpfs conv=fsync", setup: "mkdir full",
               command: "mount -t tmpfs -o size=1M tmpfs full && dd if=/dev/zero of=full/out bs=300K count=5 conv=fsync",
               check: "stat -c %s full/out", cleanup: "umount full", needsRoot: true),
        DDCase(name: "write error on /proc", setup: "rnd 10 > in", command: "dd if=in of=/proc/version"),
        // (Not `of=/dev/stdout seek=2 | cat`: GNU dd reopens it O_RDWR and reads its own pipe to
        // skip, which blocks for ever — `seek on unseekable output` in the pipe cases covers the error.)
        DDCase(name: "seek on a character device", setup: "rnd 1000 > in", command: "dd if=in of=/dev/null seek=2"),
        DDCase(name: "conv=excl on existing file", setup: "rnd 10 > in; rnd 20 5 > out", command: "dd if=in of=out conv=excl"),
        DDCase(name: "conv=nocreat on missing file", setup: "rnd 10 > in", command: "dd if=in of=out conv=nocreat"),
        DDCase(name: "conv=excl via a symlink", setup: "rnd 10 > in; ln -s nowhere out", command: "dd if=in of=out conv=excl"),
        DDCase(name: "input unreadable special file", command: "dd if=/proc/self/mem of=out count=1"),
        DDCase(name: "skip on /dev/stdin from a pipe past EOF", command: "printf abc | dd skip=1 of=out"),
    ]

    static let all: [DDCase] = (operands + files).inBothLocales
}

@Suite("dd reference: errors")
struct ErrorReferenceTests {
    @Test("GNU dd and swdd agree", arguments: ErrorCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }
}
