// Pipes: input from a writer that produces chunks with pauses (`slow a b c` writes each argument
// with a separate write(2), 0.25 s apart), so every read dd makes is short in a known way —
// partial records, the partial-read warning, fullblock, skip by reading, sync padding. Output
// to pipes too. These cases are serialized: a loaded machine could merge two chunks.

import Testing

enum PipeCases {
    static let chunks = "slow abc defgh ij"

    static let shortReads: [DDCase] = [
        DDCase(name: "bs=4 partial records", command: "\(chunks) | dd bs=4 of=out"),
        DDCase(name: "bs=4 count=3 partial-read warning", command: "\(chunks) | dd bs=4 count=3 of=out"),
        DDCase(name: "bs=4 count=2", command: "\(chunks) | dd bs=4 count=2 of=out"),
        DDCase(name: "bs=4 count=3 iflag=fullblock", command: "\(chunks) | dd bs=4 count=3 iflag=fullblock of=out"),
        DDCase(name: "bs=4 iflag=fullblock", command: "\(chunks) | dd bs=4 iflag=fullblock of=out"),
        DDCase(name: "bs=4 conv=sync pads each short read", command: "\(chunks) | dd bs=4 conv=sync of=out"),
        DDCase(name: "bs=4 conv=sync count=3", command: "\(chunks) | dd bs=4 conv=sync count=3 of=out"),
        DDCase(name: "ibs=4 obs=3", command: "\(chunks) | dd ibs=4 obs=3 of=out"),
        DDCase(name: "ibs=2 obs=5 count=4", command: "\(chunks) | dd ibs=2 obs=5 count=4 of=out"),
        DDCase(name: "bs=4 skip=1 reads to skip", command: "\(chunks) | dd bs=4 skip=1 of=out"),
        DDCase(name: "bs=4 skip=2 reads to skip", command: "\(chunks) | dd bs=4 skip=2 of=out"),
        DDCase(name: "bs=4 skip=3 cannot skip", command: "\(chunks) | dd bs=4 skip=3 of=out"),
        DDCase(name: "skip=5 iflag=skip_bytes", command: "\(chunks) | dd bs=4 skip=5 iflag=skip_bytes of=out"),
        DDCase(name: "count=6 iflag=count_bytes", command: "\(chunks) | dd bs=4 count=6 iflag=count_bytes of=out"),
        DDCase(name: "count=6 iflag=count_bytes,fullblock", command: "\(chunks) | dd bs=4 count=6 iflag=count_bytes,fullblock of=out"),
        DDCase(name: "bs=4 conv=block cbs=3", command: "slow 'ab\nc' 'defgh\n' 'ij' | dd bs=4 conv=block cbs=3 of=out"),
        DDCase(name: "bs=4 conv=ucase,swab", command: "\(chunks) | dd bs=4 conv=ucase,swab of=out"),
        DDCase(name: "bs=4 to stdout", command: "\(chunks) | dd bs=4"),
        DDCase(name: "bs=4 conv=sparse", command: "slow abc '\\0\\0\\0\\0' '\\0\\0\\0\\0x' | dd bs=4 conv=sparse of=out"),
        DDCase(name: "bs=4 status=noxfer", command: "\(chunks) | dd bs=4 count=3 status=noxfer of=out"),
        DDCase(name: "bs=4 status=none warning suppressed", command: "\(chunks) | dd bs=4 count=3 status=none of=out"),
        DDCase(name: "bs=1 count=1", command: "\(chunks) | dd bs=1 count=1 of=out"),
        DDCase(name: "empty pipe", command: "printf '' | dd bs=4 of=out"),
        DDCase(name: "empty pipe with skip", command: "printf '' | dd bs=4 skip=1 of=out"),
    ]

    static let largePipes: [DDCase] = [
        DDCase(name: "cat | dd bs=1M iflag=fullblock", setup: "rnd 3145828 > in",
               command: "cat in | dd bs=1M iflag=fullblock of=out"),
        DDCase(name: "cat | dd bs=64K iflag=fullblock count=5", setup: "rnd 3145828 > in",
               command: "cat in | dd bs=64K iflag=fullblock count=5 of=out"),
        DDCase(name: "cat | dd skip=100 bs=1000 iflag=fullblock", setup: "rnd 300000 > in",
               command: "cat in | dd skip=100 bs=1000 iflag=fullblock of=out"),
        DDCase(name: "/dev/zero pipe count=1000 bs=1", command: "head -c 5000 /dev/zero | dd bs=1 count=1000 of=out"),
        DDCase(name: "output to a pipe", setup: "rnd 100000 > in", command: "dd if=in bs=1000 | cat > out"),
        DDCase(name: "output to a pipe of=/dev/stdout", setup: "rnd 100000 > in", command: "dd if=in of=/dev/stdout bs=4096 | cat > out"),
        DDCase(name: "pipe to pipe fullblock", setup: "rnd 200000 > in",
               command: "cat in | dd bs=4096 iflag=fullblock | cat > out"),
        DDCase(name: "seek on unseekable output", setup: "rnd 1000 > in", command: "dd if=in seek=1 | cat > out"),
        DDCase(name: "seek=0 on a pipe is fine", setup: "rnd 1000 > in", command: "dd if=in seek=0 | cat > out"),
        DDCase(name: "reader closes early (SIGPIPE)", setup: "rnd 1000000 > in",
               command: "dd if=in bs=1000 | head -c 10 > out; echo \"status ${?}\""),
    ]

    static let all: [DDCase] = (shortReads + largePipes)
        .withUTF8 { ["bs=4 count=3 partial-read warning", "bs=4 skip=3 cannot skip", "seek on unseekable output"].contains($0.name) }
}

@Suite("dd reference: pipes and short reads", .serialized)
struct PipeReferenceTests {
    @Test("GNU dd and swdd agree", arguments: PipeCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }
}
