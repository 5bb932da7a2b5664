// Regular files: sizes, block sizes, count/skip/seek, number suffixes, truncation of existing
// outputs. Each case runs GNU dd and swdd on the same fixtures (see ReferenceHarness.swift).

import Testing

enum FileCopyCases {
    /// `rnd N` (deterministic pseudo-random bytes) into `in`.
    static func input(_ size: Int) -> String { "rnd \(size) > in" }

    static let sizes: [DDCase] = {
        var cases: [DDCase] = []
        for size in [0, 1, 511, 512, 513] {
            for bs in ["", " bs=1", " bs=3", " bs=4096"] {
                cases.append(DDCase(name: "size \(size)\(bs)", setup: input(size),
                                    command: "dd if=in of=out\(bs)"))
            }
        }
        for bs in ["", " bs=4096", " bs=64K", " bs=1M", " bs=4M"] {
            cases.append(DDCase(name: "size 1MiB+7\(bs)", setup: input(1_048_583),
                                command: "dd if=in of=out\(bs)"))
        }
        for bs in ["bs=1M", "bs=4M", "bs=64K", "bs=1000000"] {
            cases.append(DDCase(name: "size 3MiB+100 \(bs)", setup: input(3_145_828),
                                command: "dd if=in of=out \(bs)"))
        }
        return cases
    }()

    static let blockSizes: [DDCase] = [
        DDCase(name: "ibs=512 obs=4096", setup: input(1_048_583), command: "dd if=in of=out ibs=512 obs=4096"),
        DDCase(name: "ibs=4096 obs=512", setup: input(1_048_583), command: "dd if=in of=out ibs=4096 obs=512"),
        DDCase(name: "ibs=1M obs=64K", setup: input(1_048_583), command: "dd if=in of=out ibs=1M obs=64K"),
        DDCase(name: "ibs=64K obs=1M", setup: input(3_145_828), command: "dd if=in of=out ibs=64K obs=1M"),
        DDCase(name: "ibs=7 obs=13", setup: input(5000), command: "dd if=in of=out ibs=7 obs=13"),
        DDCase(name: "ibs=13 obs=7", setup: input(5000), command: "dd if=in of=out ibs=13 obs=7"),
        DDCase(name: "ibs=100 obs=100000 (obs larger than the file)", setup: input(5000),
               command: "dd if=in of=out ibs=100 obs=100000"),
        DDCase(name: "bs overrides ibs and obs", setup: input(5000), command: "dd if=in of=out ibs=7 obs=13 bs=1000"),
        DDCase(name: "to stdout bs=4096", setup: input(10000), command: "dd if=in bs=4096"),
        DDCase(name: "from stdin (regular file)", setup: input(10000), command: "dd of=out bs=1000 < in"),
        DDCase(name: "stdin to stdout", setup: input(3000), command: "dd < in"),
        DDCase(name: "stdin with skip (lseek on fd 0)", setup: input(3000), command: "dd of=out bs=100 skip=7 < in"),
    ]

    static let countSkipSeek: [DDCase] = [
        DDCase(name: "count=0", setup: input(5000), command: "dd if=in of=out count=0"),
        DDCase(name: "count=1", setup: input(5000), command: "dd if=in of=out count=1"),
        DDCase(name: "count=3 bs=100", setup: input(5000), command: "dd if=in of=out count=3 bs=100"),
        DDCase(name: "count past EOF", setup: input(5000), command: "dd if=in of=out count=100 bs=100"),
        DDCase(name: "skip=2 bs=100", setup: input(5000), command: "dd if=in of=out skip=2 bs=100"),
        DDCase(name: "skip=1 ibs=512 obs=100", setup: input(5000), command: "dd if=in of=out skip=1 ibs=512 obs=100"),
        DDCase(name: "iseek=2 bs=100", setup: input(5000), command: "dd if=in of=out iseek=2 bs=100"),
        DDCase(name: "skip and count", setup: input(5000), command: "dd if=in of=out skip=3 count=5 bs=100"),
        DDCase(name: "seek=3 new file (leading zeros)", setup: input(5000), command: "dd if=in of=out seek=3 bs=100"),
        DDCase(name: "oseek=3 new file", setup: input(5000), command: "dd if=in of=out oseek=3 bs=100"),
        DDCase(name: "seek counts obs blocks", setup: input(5000), command: "dd if=in of=out seek=2 ibs=10 obs=1000"),
        DDCase(name: "skip counts ibs blocks", setup: input(5000), command: "dd if=in of=out skip=2 ibs=1000 obs=10"),
        DDCase(name: "seek=3 count=0 new file", setup: input(5000), command: "dd if=in of=out seek=3 count=0"),
        DDCase(name: "count=100B", setup: input(5000), command: "dd if=in of=out count=100B"),
        DDCase(name: "count=1000B bs=512 (partial record)", setup: input(5000), command: "dd if=in of=out count=1000B bs=512"),
        DDCase(name: "skip=10B", setup: input(5000), command: "dd if=in of=out skip=10B bs=512"),
        DDCase(name: "skip=3B ibs=4096", setup: input(5000), command: "dd if=in of=out skip=3B ibs=4096"),
        DDCase(name: "seek=7B", setup: input(5000), command: "dd if=in of=out seek=7B bs=512"),
        DDCase(name: "iseek=5B oseek=9B count=11B", setup: input(5000), command: "dd if=in of=out iseek=5B oseek=9B count=11B bs=4"),
        DDCase(name: "count_bytes", setup: input(5000), command: "dd if=in of=out iflag=count_bytes count=1000 bs=512"),
        DDCase(name: "skip_bytes", setup: input(5000), command: "dd if=in of=out iflag=skip_bytes skip=100 bs=512"),
        DDCase(name: "seek_bytes", setup: input(5000), command: "dd if=in of=out oflag=seek_bytes seek=100 bs=512"),
        DDCase(name: "count_bytes,skip_bytes seek_bytes", setup: input(5000),
               command: "dd if=in of=out iflag=count_bytes,skip_bytes oflag=seek_bytes count=777 skip=33 seek=55 bs=64"),
        DDCase(name: "skip past EOF", setup: input(513), command: "dd if=in of=out skip=10"),
        DDCase(name: "skip just past EOF", setup: input(513), command: "dd if=in of=out skip=2"),
        DDCase(name: "skip exactly to EOF", setup: input(1024), command: "dd if=in of=out skip=2"),
        DDCase(name: "skip past EOF with skip_bytes", setup: input(513), command: "dd if=in of=out skip=514 iflag=skip_bytes"),
    ]

    /// Writing into an existing output: dd truncates at the seek point unless conv=notrunc.
    static let existingOutput: [DDCase] = {
        let both = input(3000) + "; rnd 8192 100000 > out"
        return [
            DDCase(name: "existing larger out is truncated", setup: both, command: "dd if=in of=out"),
            DDCase(name: "existing larger out, notrunc", setup: both, command: "dd if=in of=out conv=notrunc"),
            DDCase(name: "seek into existing, truncates after", setup: both, command: "dd if=in of=out seek=2 count=1"),
            DDCase(name: "seek into existing, notrunc", setup: both, command: "dd if=in of=out seek=2 count=1 conv=notrunc"),
            DDCase(name: "seek past end of existing", setup: both, command: "dd if=in of=out seek=20 count=1"),
            DDCase(name: "seek=2 count=0 truncates existing", setup: both, command: "dd if=in of=out seek=2 count=0"),
            DDCase(name: "seek=100 count=0 extends existing", setup: both,
                   command: "dd if=in of=out seek=100 count=0", check: "stat -c %s out"),
            DDCase(name: "seek_bytes into existing, notrunc", setup: both,
                   command: "dd if=in of=out oflag=seek_bytes seek=1001 count=3 conv=notrunc"),
            DDCase(name: "same file in and out, notrunc (shift left)", setup: both,
                   command: "dd if=out of=out bs=512 skip=1 conv=notrunc"),
            DDCase(name: "of=/dev/null", setup: both, command: "dd if=in of=/dev/null bs=100"),
            DDCase(name: "if=/dev/zero count=5 bs=1000", command: "dd if=/dev/zero of=out count=5 bs=1000"),
            DDCase(name: "if=/dev/zero skip on a char device", command: "dd if=/dev/zero of=out skip=3 count=2 bs=512"),
        ]
    }()

    /// Every number suffix GNU dd knows, and `BxC` products.
    static let suffixes: [DDCase] = {
        var cases: [DDCase] = []
        for bs in ["5c", "2w", "1b", "1kB", "1K", "1KiB", "1MB", "1M", "1MiB", "1xM", "2x3", "2x2x128",
                   "1x1K", "3x1b", "1Kx2w", "0x10"] {
            cases.append(DDCase(name: "bs=\(bs)", setup: input(10000), command: "dd if=in of=out bs=\(bs)"))
        }
        for count in ["2c", "1w", "1b", "1kB", "1K", "1KiB", "1MB", "1G", "1GB", "1GiB", "1T", "1P", "1E",
                      "1EB", "2x3", "1000B", "1KiBx2"] {
            cases.append(DDCase(name: "count=\(count) bs=1", setup: input(2000), command: "dd if=in of=out bs=1 count=\(count)"))
        }
        cases.append(DDCase(name: "skip=1b bs=1", setup: input(2000), command: "dd if=in of=out bs=1 skip=1b"))
        cases.append(DDCase(name: "skip=1kB bs=1", setup: input(2000), command: "dd if=in of=out bs=1 skip=1kB"))
        cases.append(DDCase(name: "seek=1K bs=1", setup: input(20), command: "dd if=in of=out bs=1 seek=1K"))
        cases.append(DDCase(name: "seek=1G count=0 (sparse extend)", command: "dd of=out bs=1 seek=1G count=0 </dev/null",
                            check: "stat -c '%s %b' out", cleanup: "rm -f out"))
        cases.append(DDCase(name: "skip=1T on a file (cannot skip)", setup: input(2000), command: "dd if=in of=out skip=1T"))
        return cases
    }()

    /// Records of hundreds of MiB: the engine holds two chunks, then one past 256 MiB (dd's
    /// memory). Inputs are mostly hole, outputs compared by digest and removed, to keep the
    /// suite light.
    static let hugeRecords: [DDCase] = [
        DDCase(name: "bs=100M count=3 (two chunks)", setup: "rnd 8388608 > in && truncate -s 250M in && rnd 4096 >> in",
               command: "dd if=in of=out bs=100M count=3", check: "sha256sum out; stat -c %s out",
               cleanup: "rm -f in out", timeout: 60),
        DDCase(name: "bs=257M skip=1 (one chunk)", setup: "rnd 8388608 > in && truncate -s 600M in && rnd 4096 >> in",
               command: "dd if=in of=out bs=257M skip=1", check: "sha256sum out; stat -c %s out",
               cleanup: "rm -f in out", timeout: 60),
        DDCase(name: "bs=257M conv=notrunc,sparse into an existing file (one chunk)",
               setup: "rnd 8388608 > in && truncate -s 300M in && rnd 4096 >> in && rnd 1000 > out",
               command: "dd if=in of=out bs=257M conv=notrunc,sparse", check: "sha256sum out; stat -c %s out",
               cleanup: "rm -f in out", timeout: 60),
    ]

    static let all: [DDCase] = (sizes + blockSizes + countSkipSeek + existingOutput + suffixes + hugeRecords)
        .withUTF8 { ["size 0", "skip past EOF", "skip=1T on a file (cannot skip)", "count=100B",
                     "existing larger out is truncated", "bs=2x3"].contains($0.name) }
}

@Suite("dd reference: regular files")
struct FileCopyReferenceTests {
    @Test("GNU dd and swdd agree", arguments: FileCopyCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }
}
