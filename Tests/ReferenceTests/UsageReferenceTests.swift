// status=, the summary's number formatting, dd's --help, --version, and the program name in messages:
// swdd prints `dd: …` through a `dd` symlink and `swdd: …` when invoked as swdd, as GNU dd would
// under either name (the reference for the `swdd` cases is GNU dd run through a `swdd` symlink).

import Foundation
import Testing

enum UsageCases {
    static let status: [DDCase] = [
        DDCase(name: "status=none", setup: "rnd 3000 > in", command: "dd if=in of=out status=none"),
        DDCase(name: "status=noxfer", setup: "rnd 3000 > in", command: "dd if=in of=out status=noxfer"),
        DDCase(name: "status=none then status=noxfer (last wins)", setup: "rnd 3000 > in",
               command: "dd if=in of=out status=none status=noxfer"),
        DDCase(name: "status=noxfer with truncated records", setup: "txt 3000 > in",
               command: "dd if=in of=out status=noxfer conv=block cbs=5"),
        DDCase(name: "status=progress short copy", setup: "rnd 3000 > in", command: "dd if=in of=out status=progress",
               stderrComparison: .finalSummary),
        DDCase(name: "status=progress over 1 s", command:
               "{ head -c 1000 /dev/zero; sleep 1.2; head -c 10 /dev/zero; } | dd bs=1 status=progress of=out",
               stderrComparison: .finalSummary),
        DDCase(name: "status=progress status=none", setup: "rnd 3000 > in", command: "dd if=in of=out status=progress status=none"),
    ]

    /// The summary's byte counts and their kB/MB/GB and KiB/MiB/GiB renderings.
    static let summary: [DDCase] = [
        ("999 bytes", "bs=999 count=1"), ("1000 bytes", "bs=1000 count=1"), ("1023 bytes", "bs=1023 count=1"),
        ("1024 bytes", "bs=1024 count=1"), ("1025 bytes", "bs=1025 count=1"), ("999999 bytes", "bs=999999 count=1"),
        ("1000000 bytes", "bs=1000000 count=1"), ("1 MiB", "bs=1M count=1"), ("99.9 MB", "bs=99900000 count=1"),
        ("1 GiB", "bs=1M count=1024"), ("1 GB", "bs=1000000 count=1000"),
    ].map { DDCase(name: "summary \($0.0)", command: "dd if=/dev/zero of=/dev/null \($0.1)") }

    static let programName: [DDCase] = [
        DDCase(name: "swdd: missing input", command: "swdd if=missing of=out"),
        DDCase(name: "swdd: invalid number", command: "swdd bs=0"),
        DDCase(name: "swdd: unrecognized operand", command: "swdd foo=bar"),
        DDCase(name: "swdd: unrecognized option", command: "swdd --bogus"),
        DDCase(name: "swdd: partial read warning", command: "slow abc defgh | swdd bs=4 count=2 of=out"),
        DDCase(name: "swdd: cannot skip", setup: "rnd 10 > in", command: "swdd if=in skip=1 of=out"),
        DDCase(name: "swdd: summary has no prefix", setup: "rnd 10 > in", command: "swdd if=in of=out"),
    ]

    static let all: [DDCase] = (status + summary + programName)
        .withUTF8 { $0.name.hasPrefix("swdd:") || $0.name == "status=noxfer" }
}

@Suite("dd reference: status, summary, --help, --version, program name")
struct UsageReferenceTests {
    @Test("GNU dd and swdd agree", arguments: UsageCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }

    /// Through a `dd` symlink `--help` is GNU's text, byte for byte (swdd's own help, as swdd, is
    /// checked in HelpReferenceTests).
    @Test("dd --help is GNU's help", arguments: ["C", "C.UTF-8"])
    func help(locale: String) throws {
        let c = DDCase(name: "--help", command: "dd --help", locale: locale)
        let dir = try DDReference.makeCaseDirectory(c)
        let gnu = try DDReference.run(c, binary: DDReference.gnuDD, side: "gnu", caseDir: dir)
        let ours = try DDReference.run(c, binary: DDReference.binaryUnderTest, side: "swdd", caseDir: dir)
        #expect(ours.status == 0)
        #expect(ours.stderr == "")
        #expect(ours.stdout == gnu.stdout, "dd --help differs from GNU dd's")
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test("--version exits 0 with a version on stdout", arguments: ["dd", "swdd"])
    func version(name: String) throws {
        let c = DDCase(name: "--version", command: "\(name) --version")
        let dir = try DDReference.makeCaseDirectory(c)
        let ours = try DDReference.run(c, binary: DDReference.binaryUnderTest, side: "swdd", caseDir: dir)
        #expect(ours.status == 0)
        #expect(ours.stderr == "")
        let first = String(decoding: ours.stdout, as: UTF8.self).split(separator: "\n").first ?? ""
        let hasNumber = first.contains { $0.isNumber }
        #expect(hasNumber, "no version number in \(first.debugDescription)")
        try? FileManager.default.removeItem(atPath: dir)
    }
}
