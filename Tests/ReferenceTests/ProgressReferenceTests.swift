// status=progress cadence: GNU dd checks the clock only between reads (at the top of its copy
// loop, before each read and before count= ends the copy), prints a line when the next whole second
// since the start has passed, and moves that deadline on by exactly one second per line. So nothing
// is printed while dd is blocked in a read, the line printed after a stall shows the bytes that
// ended it, and after a long stall the next checks catch up. The slow writers pause 1.2 s or 2.2 s,
// so the whole seconds shown (`%.0f s`) stay clear of rounding; stderr is compared exactly (only
// the final summary's time and rate are normalised, as everywhere).

import Testing

enum ProgressCases {
    static let all: [DDCase] = [
        DDCase(name: "nothing while blocked, then the byte that ended the stall",
               command: "{ sleep 2.2; printf 1; } | dd bs=1 status=progress of=/dev/null"),
        DDCase(name: "after a stall the next pass catches up",
               command: "{ sleep 2.2; printf 12; } | dd bs=1 status=progress of=/dev/null"),
        DDCase(name: "one line per stall, to a pipe",
               command: "{ printf 1; sleep 1.2; printf 2; sleep 1.2; printf 3; } | dd bs=1 status=progress | cat > out"),
        DDCase(name: "a check before count= ends the copy",
               command: "{ printf 1; sleep 1.2; printf 23; } | dd bs=1 count=2 status=progress of=out"),
        DDCase(name: "records of 4 bytes, two buffers",
               command: "{ printf abcdef; sleep 1.2; printf ghij; } | dd ibs=4 obs=3 status=progress of=out"),
        DDCase(name: "fullblock waits inside one read",
               command: "{ printf ab; sleep 1.2; printf cd; sleep 1.2; printf ef; } | dd bs=4 iflag=fullblock status=progress of=out"),
        DDCase(name: "status=progress with nothing slow prints no line", setup: "rnd 100000 > in",
               command: "dd if=in of=out bs=1000 status=progress"),
    ]
}

@Suite("dd reference: status=progress cadence", .serialized)
struct ProgressReferenceTests {
    @Test("GNU dd and swdd agree", arguments: ProgressCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }
}
