// Standard output and error that cannot be written: GNU dd exits 1 when any write to standard
// error failed (the statistics, a progress line, a warning), silently; a closed standard error that
// is never written is no error; `--help`/`--version` on a full or closed standard output say
// `write error` (gnulib's close_stdout). A file dd opens never becomes a closed standard stream, so
// nothing meant for standard error lands in `of=`; a closed standard input or output used as the
// data stream fails where GNU's fails. swdd's subcommands fail the same way when their
// listing or report is lost, with one `swdd: …` line.

import Foundation
import Testing

enum StandardStreamCases {
    static let all: [DDCase] = [
        DDCase(name: "statistics to a full stderr", command: ": | dd 2>/dev/full; echo \"exit $?\""),
        DDCase(name: "statistics to a closed stderr", command: ": | dd 2>&-; echo \"exit $?\""),
        DDCase(name: "closed stderr never written (status=none)", command: ": | dd status=none 2>&-; echo \"exit $?\""),
        DDCase(name: "copy done, statistics lost", setup: "rnd 3000 > in",
               command: "dd if=in of=out bs=100 2>/dev/full; echo \"exit $?\""),
        DDCase(name: "progress line to a full stderr", setup: "rnd 3000 > in",
               command: "dd if=in of=out status=progress 2>/dev/full; echo \"exit $?\""),
        DDCase(name: "warning to a full stderr, status=noxfer", setup: "rnd 3000 > in",
               command: "dd if=in of=out skip=100 status=noxfer 2>/dev/full; echo \"exit $?\""),
        DDCase(name: "error message to a full stderr", command: "dd if=missing 2>/dev/full; echo \"exit $?\""),
        // With standard error closed, of= must not become descriptor 2: the warning and the
        // statistics would land in the file.
        DDCase(name: "closed stderr: of= is not descriptor 2", setup: "rnd 3000 > in",
               command: "dd if=in of=out skip=100 2>&-; echo \"exit $?\""),
        DDCase(name: "closed stderr: of= after a copy", setup: "rnd 3000 > in",
               command: "dd if=in of=out bs=1000 count=2 2>&-; echo \"exit $?\""),
        DDCase(name: "closed stdin and stderr: of= keeps its data", setup: "rnd 3000 > in",
               command: "dd if=in of=out seek=1 <&- 2>&-; echo \"exit $?\""),
        // A closed standard input or output as the data stream: GNU does not fstat it; the read
        // or write fails, then the close, which ends dd before the statistics.
        DDCase(name: "closed stdout as the output, two buffers", setup: "rnd 3000 > in", command: "dd if=in >&-; echo \"exit $?\""),
        DDCase(name: "closed stdout as the output, one buffer", setup: "rnd 3000 > in", command: "dd if=in bs=512 >&-; echo \"exit $?\""),
        DDCase(name: "closed stdout, count=0", setup: "rnd 3000 > in", command: "dd if=in count=0 >&-; echo \"exit $?\""),
        DDCase(name: "closed stdout, conv=fsync", setup: "rnd 3000 > in", command: "dd if=in conv=fsync >&-; echo \"exit $?\""),
        DDCase(name: "closed stdin as the input", command: "dd of=out <&-; echo \"exit $?\""),
        DDCase(name: "closed stdin and stdout", command: "dd <&- >&-; echo \"exit $?\""),
        DDCase(name: "--help to a full stdout", command: "dd --help >/dev/full; echo \"exit $?\""),
        DDCase(name: "--help to a closed stdout", command: "dd --help >&-; echo \"exit $?\""),
        DDCase(name: "--version to a full stdout", command: "dd --version >/dev/full; echo \"exit $?\""),
        DDCase(name: "--version to a closed stdout", command: "dd --version >&-; echo \"exit $?\""),
        DDCase(name: "--version with stdout and stderr full", command: "dd --version >/dev/full 2>/dev/full; echo \"exit $?\""),
    ].withUTF8 { $0.name.contains("--help") || $0.name.hasPrefix("closed stdin as") }
}

@Suite("dd reference: failed writes to standard output and error")
struct StandardStreamReferenceTests {
    @Test("GNU dd and swdd agree", arguments: StandardStreamCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }

    /// Runs `script` with `$SWDD` set to the binary under test, in a fresh directory.
    static func run(_ script: String) -> (status: Int32, stdout: String, stderr: String) {
        let dir = DDReference.scratchRoot + "/streams-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = DDReference.shell("SWDD='\(DDReference.binaryUnderTest)'\n" + script, in: dir, create: true)
        return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr)
    }

    static let subcommands: [(name: String, command: String, message: String)] = [
        ("list to a full stdout", #"truncate -s 1M img; "$SWDD" list img >/dev/full"#,
         "swdd: write error: No space left on device\n"),
        ("list --json to a full stdout", #"truncate -s 1M img; "$SWDD" list --json img >/dev/full"#,
         "swdd: write error: No space left on device\n"),
        ("list to a closed stdout", #"truncate -s 1M img; "$SWDD" list img >&-"#,
         "swdd: write error: Bad file descriptor\n"),
        ("bench --json to a full stdout",
         #"truncate -s 8M f; "$SWDD" bench f --json --time 0.05 --size 1M --bs 64K --depths 1 --tests read --io buffered >/dev/full"#,
         "swdd: write error: No space left on device\n"),
        ("bench table to a closed stdout",
         #"truncate -s 8M f; "$SWDD" bench f --time 0.05 --size 1M --bs 64K --depths 1 --tests read --io buffered >&-"#,
         "swdd: write error: Bad file descriptor\n"),
    ]

    /// The subcommands are swdd's own: exit 1 and one `swdd: write error: …` line when their
    /// output is lost, never exit 0.
    @Test("a subcommand whose output is lost fails", arguments: subcommands.map(\.name))
    func subcommandFails(_ name: String) throws {
        if DDReference.binaryUnderTestIsGNU { try Test.cancel("the binary under test is GNU dd") }
        let c = try #require(Self.subcommands.first { $0.name == name })
        let result = Self.run(c.command)
        #expect(result.status == 1, "\(c.command): exit \(result.status), stderr \(result.stderr.debugDescription)")
        #expect(result.stderr == c.message, "\(c.command)")
    }
}
