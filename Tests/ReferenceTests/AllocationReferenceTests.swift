// Buffers: GNU dd allocates its buffer (one of ibs, and one of obs with two buffers) after opening
// the output and doing skip= and seek=, before the first read, and not at all with count=0; when
// that fails it says `memory exhausted by input buffer …` with nothing copied. swdd allocates at
// the same point (before its kernel copies move anything) and needs no more memory than GNU: it
// runs under an address-space limit (`ulimit -v`) that GNU fits in with a 200 MiB record, and
// fails where GNU fails. conv=swab works in the chunk itself (odd chunk boundaries included).

import Testing

enum AllocationCases {
    /// 350000 KiB of address space: room for one 200 MiB buffer, not for two.
    static let limit = "ulimit -v 350000"

    static let all: [DDCase] = [
        DDCase(name: "bs=1E on a file copies nothing", setup: "rnd 513 > in", command: "dd if=in of=out bs=1E"),
        DDCase(name: "bs=1E conv=notrunc leaves the output alone", setup: "rnd 513 > in; rnd 100 7 > out",
               command: "dd if=in of=out bs=1E conv=notrunc"),
        DDCase(name: "bs=1E count=0 allocates nothing", setup: "rnd 513 > in", command: "dd if=in of=out bs=1E count=0"),
        DDCase(name: "obs=1E fails on the output buffer", setup: "rnd 513 > in", command: "dd if=in of=out obs=1E"),
        DDCase(name: "bs=1E skip by reading a pipe", setup: "rnd 513 > in", command: "cat in | dd bs=1E skip=1 of=out"),
        DDCase(name: "bs=1E to a pipe", setup: "rnd 513 > in", command: "dd if=in bs=1E | cat > out"),
        DDCase(name: "bs=200M under ulimit -v: file to file", setup: "rnd 1000000 > in",
               command: "\(limit); dd if=in of=out bs=200M"),
        DDCase(name: "bs=200M under ulimit -v: pipe to file", setup: "rnd 1000000 > in",
               command: "\(limit); cat in | dd of=out bs=200M"),
        DDCase(name: "bs=200M under ulimit -v: file to pipe", setup: "rnd 1000000 > in",
               command: "\(limit); dd if=in bs=200M | cat > out"),
        DDCase(name: "bs=200M under ulimit -v: conv=ucase (two buffers) fails on the output buffer", setup: "txt 100000 > in",
               command: "\(limit); dd if=in of=out bs=200M conv=ucase"),
        DDCase(name: "bs=200M under ulimit -v: conv=swab fails on the output buffer", setup: "rnd 100000 > in",
               command: "\(limit); dd if=in of=out bs=200M conv=swab"),
        DDCase(name: "ibs=200M obs=1M under ulimit -v: two buffers fit", setup: "rnd 3000000 > in",
               command: "\(limit); dd if=in of=out ibs=200M obs=1M"),
        DDCase(name: "ibs=200M obs=1M conv=swab under ulimit -v", setup: "rnd 3000001 > in",
               command: "\(limit); dd if=in of=out ibs=200M obs=1M conv=swab"),
        DDCase(name: "bs=200M from /dev/zero under ulimit -v", command: "\(limit); dd if=/dev/zero of=out bs=200M count=1 && cmp -n 209715200 out /dev/zero && echo same"),
        // conv=swab in place: chunks of whole 3-byte records are odd, so a byte waits across each.
        DDCase(name: "conv=swab bs=3 across chunks", setup: "rnd 3000001 > in", command: "dd if=in of=out conv=swab bs=3"),
        DDCase(name: "conv=swab ibs=3 obs=1M across chunks", setup: "rnd 3000001 > in", command: "dd if=in of=out conv=swab ibs=3 obs=1M"),
        DDCase(name: "conv=swab,unblock cbs=7 bs=3 across chunks", setup: "txt 2500000 > in",
               command: "dd if=in of=out conv=swab,unblock cbs=7 bs=3"),
        DDCase(name: "conv=swab from a pipe, odd records", setup: "rnd 3000001 > in",
               command: "cat in | dd of=out conv=swab bs=4093 iflag=fullblock"),
    ].withUTF8 { $0.name.hasPrefix("bs=1E on a file") }
}

@Suite("dd reference: buffers allocated as GNU allocates them")
struct AllocationReferenceTests {
    @Test("GNU dd and swdd agree", arguments: AllocationCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }
}
