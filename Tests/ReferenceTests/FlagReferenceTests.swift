// iflag=/oflag=: every flag GNU dd knows on Linux. The work directories live on a filesystem that
// accepts O_DIRECT (the harness avoids tmpfs), so direct I/O really happens, unaligned tails too.

import Testing

enum FlagCases {
    static let input = "rnd 1048583 > in"
    static let small = "rnd 3000 > in"
    static let existing = "rnd 3000 > in; rnd 5000 77 > out"

    static let append: [DDCase] = [
        DDCase(name: "oflag=append conv=notrunc", setup: existing, command: "dd if=in of=out oflag=append conv=notrunc"),
        DDCase(name: "oflag=append truncates without notrunc", setup: existing, command: "dd if=in of=out oflag=append"),
        DDCase(name: "oflag=append new file", setup: small, command: "dd if=in of=out oflag=append"),
        DDCase(name: "oflag=append twice", setup: small,
               command: "dd if=in of=out oflag=append conv=notrunc && dd if=in of=out oflag=append conv=notrunc bs=7"),
        DDCase(name: "oflag=append with seek (seek ignored by writes)", setup: existing,
               command: "dd if=in of=out oflag=append conv=notrunc seek=2"),
        DDCase(name: "iflag=append (accepted, no effect)", setup: small, command: "dd if=in of=out iflag=append"),
    ]

    static let direct: [DDCase] = [
        DDCase(name: "iflag=direct bs=4096 (unaligned tail)", setup: input, command: "dd if=in of=out iflag=direct bs=4096"),
        DDCase(name: "iflag=direct bs=1M", setup: input, command: "dd if=in of=out iflag=direct bs=1M"),
        DDCase(name: "iflag=direct bs=512", setup: input, command: "dd if=in of=out iflag=direct bs=512 count=100"),
        DDCase(name: "oflag=direct bs=4096 (short last write)", setup: input, command: "dd if=in of=out oflag=direct bs=4096"),
        DDCase(name: "oflag=direct bs=1M", setup: input, command: "dd if=in of=out oflag=direct bs=1M"),
        DDCase(name: "oflag=direct bs=64K count=3", setup: input, command: "dd if=in of=out oflag=direct bs=64K count=3"),
        DDCase(name: "oflag=direct bs=4M", setup: "rnd 5000000 > in", command: "dd if=in of=out oflag=direct bs=4M"),
        DDCase(name: "iflag=direct oflag=direct bs=64K seek skip", setup: input,
               command: "dd if=in of=out iflag=direct oflag=direct bs=64K skip=2 seek=3"),
        DDCase(name: "iflag=direct bs=3 (EINVAL)", setup: small, command: "dd if=in of=out iflag=direct bs=3"),
        DDCase(name: "oflag=direct bs=3 (EINVAL)", setup: small, command: "dd if=in of=out oflag=direct bs=3"),
        DDCase(name: "oflag=direct ibs=1000 obs=4096", setup: "rnd 10000 > in", command: "dd if=in of=out oflag=direct ibs=1000 obs=4096"),
        DDCase(name: "oflag=direct conv=notrunc into existing", setup: input + "; rnd 2000000 99 > out",
               command: "dd if=in of=out oflag=direct conv=notrunc bs=64K count=5"),
        DDCase(name: "oflag=direct to /dev/null", setup: input, command: "dd if=in of=/dev/null oflag=direct bs=64K"),
    ]

    static let other: [DDCase] = [
        DDCase(name: "iflag=directory on a directory", command: "dd if=. iflag=directory of=out count=1"),
        DDCase(name: "iflag=directory on a file", setup: small, command: "dd if=in iflag=directory of=out"),
        DDCase(name: "oflag=directory on a file", setup: small, command: "dd if=in of=out oflag=directory"),
        DDCase(name: "oflag=directory on a directory", setup: "mkdir d; rnd 10 > in", command: "dd if=in of=d oflag=directory"),
        DDCase(name: "oflag=dsync", setup: small, command: "dd if=in of=out oflag=dsync bs=1000"),
        DDCase(name: "oflag=sync", setup: small, command: "dd if=in of=out oflag=sync bs=1000"),
        DDCase(name: "iflag=sync,dsync", setup: small, command: "dd if=in of=out iflag=sync,dsync"),
        DDCase(name: "iflag=fullblock on a file", setup: input, command: "dd if=in of=out iflag=fullblock bs=64K"),
        DDCase(name: "iflag=nonblock", setup: small, command: "dd if=in of=out iflag=nonblock"),
        DDCase(name: "oflag=nonblock", setup: small, command: "dd if=in of=out oflag=nonblock"),
        DDCase(name: "iflag=noatime", setup: small, command: "dd if=in of=out iflag=noatime"),
        DDCase(name: "oflag=noatime", setup: small, command: "dd if=in of=out oflag=noatime"),
        DDCase(name: "iflag=nocache", setup: input, command: "dd if=in of=out iflag=nocache bs=64K"),
        DDCase(name: "oflag=nocache", setup: input, command: "dd if=in of=out oflag=nocache bs=64K"),
        DDCase(name: "iflag=nocache count=0 (drop whole cache)", setup: input, command: "dd if=in iflag=nocache count=0"),
        DDCase(name: "oflag=nocache,sync conv=notrunc count=0", setup: existing,
               command: "dd of=out oflag=nocache,sync conv=notrunc count=0"),
        DDCase(name: "iflag=noctty oflag=noctty", setup: small, command: "dd if=in of=out iflag=noctty oflag=noctty"),
        DDCase(name: "iflag=nofollow on a symlink", setup: small + "; ln -s in link", command: "dd if=link iflag=nofollow of=out"),
        DDCase(name: "iflag=nofollow on a file", setup: small, command: "dd if=in iflag=nofollow of=out"),
        DDCase(name: "oflag=nofollow on a symlink", setup: small + "; rnd 10 > target; ln -s target link",
               command: "dd if=in of=link oflag=nofollow"),
        DDCase(name: "symlink input followed", setup: small + "; ln -s in link", command: "dd if=link of=out"),
        DDCase(name: "many flags at once", setup: input,
               command: "dd if=in of=out iflag=fullblock,noatime,nocache,nonblock oflag=dsync,noctty bs=64K"),
        DDCase(name: "flags across operands combine", setup: small,
               command: "dd if=in of=out iflag=count_bytes iflag=skip_bytes count=100 skip=7"),
    ]

    static let invalid: [DDCase] = [
        DDCase(name: "iflag=bogus", command: "dd if=/dev/null of=out iflag=bogus"),
        DDCase(name: "oflag=bogus", command: "dd if=/dev/null of=out oflag=bogus"),
        DDCase(name: "oflag=fullblock (input only)", command: "dd if=/dev/null of=out oflag=fullblock"),
        DDCase(name: "oflag=count_bytes (input only)", command: "dd if=/dev/null of=out oflag=count_bytes"),
        DDCase(name: "oflag=skip_bytes (input only)", command: "dd if=/dev/null of=out oflag=skip_bytes"),
        DDCase(name: "iflag=seek_bytes (output only)", command: "dd if=/dev/null of=out iflag=seek_bytes"),
        DDCase(name: "iflag=binary (not on Linux)", command: "dd if=/dev/null of=out iflag=binary"),
        DDCase(name: "iflag=direct,bogus", command: "dd if=/dev/null of=out iflag=direct,bogus"),
        DDCase(name: "iflag= (empty)", command: "dd if=/dev/null of=out iflag="),
    ]

    static let all: [DDCase] = (append + direct + other + invalid)
        .withUTF8 { c in FlagCases.invalid.contains { $0.name == c.name }
            || c.name.contains("EINVAL") || c.name.contains("nofollow on a symlink")
            || c.name.hasPrefix("oflag=directory on a file") }
}

@Suite("dd reference: iflag and oflag")
struct FlagReferenceTests {
    @Test("GNU dd and swdd agree", arguments: FlagCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }
}
