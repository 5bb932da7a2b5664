// conv=: every conversion GNU dd knows, with and without cbs, on text and binary data, and the
// combinations GNU rejects. Sparse outputs are compared by bytes and by allocated blocks.

import Testing

enum ConversionCases {
    static let text = "txt 5000 > in"
    static let binary = "rnd 3001 > in"
    /// data 4K | zeros 16K | data 4K | zeros 8K: ends in zeros, so dd must set the size at the end.
    static let sparseInput = "{ rnd 4096; zeros 16384; rnd 4096 5000; zeros 8192; } > in"
    /// Size and allocated blocks, and whether the file has holes at all.
    static let holes = "sync out; stat -c '%s %b' out; "
        + "[ $(( $(stat -c %b out) * 512 )) -lt $(stat -c %s out) ] && echo holes || echo dense"

    static let characterSets: [DDCase] = [
        DDCase(name: "conv=ascii binary", setup: binary, command: "dd if=in of=out conv=ascii"),
        DDCase(name: "conv=ebcdic binary", setup: binary, command: "dd if=in of=out conv=ebcdic"),
        DDCase(name: "conv=ibm binary", setup: binary, command: "dd if=in of=out conv=ibm"),
        DDCase(name: "conv=ebcdic text", setup: text, command: "dd if=in of=out conv=ebcdic"),
        DDCase(name: "conv=ebcdic then ascii round trip", setup: text,
               command: "dd if=in conv=ebcdic 2>/dev/null | dd of=out conv=ascii"),
        DDCase(name: "conv=ibm text bs=7", setup: text, command: "dd if=in of=out conv=ibm bs=7"),
        DDCase(name: "conv=lcase", setup: text, command: "dd if=in of=out conv=lcase"),
        DDCase(name: "conv=ucase", setup: text, command: "dd if=in of=out conv=ucase"),
        DDCase(name: "conv=ucase binary", setup: binary, command: "dd if=in of=out conv=ucase"),
        DDCase(name: "conv=ascii,lcase", setup: binary, command: "dd if=in of=out conv=ascii,lcase"),
        DDCase(name: "conv=ebcdic,ucase", setup: text, command: "dd if=in of=out conv=ebcdic,ucase"),
    ]

    static let records: [DDCase] = [
        DDCase(name: "conv=block cbs=10 (truncated records)", setup: text, command: "dd if=in of=out conv=block cbs=10"),
        DDCase(name: "conv=block cbs=80", setup: text, command: "dd if=in of=out conv=block cbs=80"),
        DDCase(name: "conv=block cbs=200 (no truncation)", setup: text, command: "dd if=in of=out conv=block cbs=200"),
        DDCase(name: "conv=block cbs=1", setup: text, command: "dd if=in of=out conv=block cbs=1"),
        DDCase(name: "conv=block cbs=10 ibs=7 obs=13", setup: text, command: "dd if=in of=out conv=block cbs=10 ibs=7 obs=13"),
        DDCase(name: "conv=block no final newline", setup: "txt 5000 | head -c 4990 > in",
               command: "dd if=in of=out conv=block cbs=16"),
        DDCase(name: "conv=block without cbs (ignored)", setup: text, command: "dd if=in of=out conv=block"),
        DDCase(name: "conv=unblock cbs=10", setup: text, command: "dd if=in of=out conv=unblock cbs=10"),
        DDCase(name: "conv=unblock cbs=80 binary", setup: binary, command: "dd if=in of=out conv=unblock cbs=80"),
        DDCase(name: "conv=unblock trailing spaces", setup: "printf 'ab        cd  efg       h         ' > in",
               command: "dd if=in of=out conv=unblock cbs=10"),
        DDCase(name: "conv=block,ucase cbs=20", setup: text, command: "dd if=in of=out conv=block,ucase cbs=20"),
        DDCase(name: "conv=ebcdic,block cbs=12", setup: text, command: "dd if=in of=out conv=ebcdic,block cbs=12"),
        DDCase(name: "conv=ascii,unblock cbs=12", setup: binary, command: "dd if=in of=out conv=ascii,unblock cbs=12"),
        DDCase(name: "block then unblock round trip", setup: text,
               command: "dd if=in conv=block cbs=120 2>/dev/null | dd of=out conv=unblock cbs=120"),
        DDCase(name: "cbs without block or unblock", setup: text, command: "dd if=in of=out cbs=10"),
    ]

    static let swabAndSync: [DDCase] = [
        DDCase(name: "conv=swab even size", setup: "rnd 4096 > in", command: "dd if=in of=out conv=swab"),
        DDCase(name: "conv=swab odd size 511", setup: "rnd 511 > in", command: "dd if=in of=out conv=swab"),
        DDCase(name: "conv=swab size 1", setup: "rnd 1 > in", command: "dd if=in of=out conv=swab"),
        DDCase(name: "conv=swab bs=3 (odd blocks)", setup: "rnd 100 > in", command: "dd if=in of=out conv=swab bs=3"),
        DDCase(name: "conv=swab ibs=5 obs=2", setup: "rnd 101 > in", command: "dd if=in of=out conv=swab ibs=5 obs=2"),
        DDCase(name: "conv=sync pads last block", setup: "rnd 513 > in", command: "dd if=in of=out conv=sync"),
        DDCase(name: "conv=sync bs=1000 ibs≠obs", setup: "rnd 2500 > in", command: "dd if=in of=out conv=sync ibs=1000 obs=300"),
        DDCase(name: "conv=sync,block pads with spaces", setup: text, command: "dd if=in of=out conv=sync,block cbs=10 bs=300"),
        DDCase(name: "conv=sync,unblock", setup: text, command: "dd if=in of=out conv=sync,unblock cbs=10 bs=300"),
        DDCase(name: "conv=sync,swab odd", setup: "rnd 513 > in", command: "dd if=in of=out conv=sync,swab"),
        DDCase(name: "conv=sync empty input", setup: "rnd 0 > in", command: "dd if=in of=out conv=sync"),
        DDCase(name: "conv=noerror,sync on a good file", setup: "rnd 1000 > in", command: "dd if=in of=out conv=noerror,sync"),
    ]

    static let sparse: [DDCase] = [
        DDCase(name: "conv=sparse bs=4096", setup: sparseInput, command: "dd if=in of=out conv=sparse bs=4096", check: holes),
        DDCase(name: "conv=sparse bs=512", setup: sparseInput, command: "dd if=in of=out conv=sparse", check: holes),
        DDCase(name: "conv=sparse bs=1M", setup: "{ rnd 1048576; zeros 2097152; rnd 1048576 7; zeros 1048576; } > in",
               command: "dd if=in of=out conv=sparse bs=1M", check: holes),
        DDCase(name: "conv=sparse ibs=4096 obs=8192", setup: sparseInput,
               command: "dd if=in of=out conv=sparse ibs=4096 obs=8192", check: holes),
        DDCase(name: "conv=sparse all zeros", setup: "zeros 65536 > in", command: "dd if=in of=out conv=sparse bs=4096", check: holes),
        DDCase(name: "conv=sparse input with holes", setup: "truncate -s 1M in; rnd 4096 | dd of=in bs=4096 seek=100 conv=notrunc 2>/dev/null",
               command: "dd if=in of=out conv=sparse bs=64K", check: holes),
        DDCase(name: "conv=sparse without sparse: dense output", setup: sparseInput,
               command: "dd if=in of=out bs=4096", check: holes),
        DDCase(name: "conv=sparse,notrunc over existing data", setup: sparseInput + "; rnd 40000 123 > out",
               command: "dd if=in of=out conv=sparse,notrunc bs=4096", check: "stat -c %s out"),
        DDCase(name: "conv=sparse with seek", setup: sparseInput,
               command: "dd if=in of=out conv=sparse bs=4096 seek=3", check: holes),
        DDCase(name: "conv=sparse to a pipe", setup: sparseInput, command: "dd if=in conv=sparse bs=4096 | cat > out"),
        DDCase(name: "conv=sparse zero tail of 100 bytes", setup: "{ rnd 4096; zeros 100; } > in",
               command: "dd if=in of=out conv=sparse bs=4096", check: holes),
    ]

    static let creation: [DDCase] = [
        DDCase(name: "conv=excl new file", setup: "rnd 100 > in", command: "dd if=in of=out conv=excl"),
        DDCase(name: "conv=excl existing file", setup: "rnd 100 > in; rnd 50 9 > out", command: "dd if=in of=out conv=excl"),
        DDCase(name: "conv=nocreat missing file", setup: "rnd 100 > in", command: "dd if=in of=out conv=nocreat"),
        DDCase(name: "conv=nocreat existing file", setup: "rnd 100 > in; rnd 500 9 > out", command: "dd if=in of=out conv=nocreat"),
        DDCase(name: "conv=notrunc existing file", setup: "rnd 100 > in; rnd 500 9 > out", command: "dd if=in of=out conv=notrunc"),
        DDCase(name: "conv=fdatasync", setup: "rnd 10000 > in", command: "dd if=in of=out conv=fdatasync"),
        DDCase(name: "conv=fsync", setup: "rnd 10000 > in", command: "dd if=in of=out conv=fsync bs=4096"),
        DDCase(name: "conv=fsync,fdatasync", setup: "rnd 10000 > in", command: "dd if=in of=out conv=fsync,fdatasync"),
        DDCase(name: "conv=fsync to /dev/null", setup: "rnd 10000 > in", command: "dd if=in of=/dev/null conv=fsync"),
        DDCase(name: "conv=fdatasync to a pipe", setup: "rnd 10000 > in", command: "dd if=in conv=fdatasync | cat > out"),
    ]

    static let invalid: [DDCase] = [
        DDCase(name: "conv=ascii,ebcdic", command: "dd if=/dev/null of=out conv=ascii,ebcdic"),
        DDCase(name: "conv=ebcdic,ibm", command: "dd if=/dev/null of=out conv=ebcdic,ibm"),
        DDCase(name: "conv=ascii,ibm", command: "dd if=/dev/null of=out conv=ascii,ibm"),
        DDCase(name: "conv=block,unblock", command: "dd if=/dev/null of=out conv=block,unblock cbs=10"),
        DDCase(name: "conv=lcase,ucase", command: "dd if=/dev/null of=out conv=lcase,ucase"),
        DDCase(name: "conv=excl,nocreat", command: "dd if=/dev/null of=out conv=excl,nocreat"),
        DDCase(name: "conv=bogus", command: "dd if=/dev/null of=out conv=bogus"),
        DDCase(name: "conv=sync,bogus", command: "dd if=/dev/null of=out conv=sync,bogus"),
        DDCase(name: "conv= (empty)", command: "dd if=/dev/null of=out conv="),
        DDCase(name: "conv=sync, (trailing comma)", command: "dd if=/dev/null of=out conv=sync,"),
        DDCase(name: "conv=ASCII (case matters)", command: "dd if=/dev/null of=out conv=ASCII"),
        DDCase(name: "conv across operands combine", command: "dd if=/dev/null of=out conv=lcase conv=ucase"),
    ]

    static let all: [DDCase] = (characterSets + records + swabAndSync + sparse + creation + invalid)
        .withUTF8 { c in c.name.hasPrefix("conv=excl") || c.name.hasPrefix("conv=nocreat")
            || ConversionCases.invalid.contains { $0.name == c.name } }
}

@Suite("dd reference: conversions")
struct ConversionReferenceTests {
    @Test("GNU dd and swdd agree", arguments: ConversionCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }
}
