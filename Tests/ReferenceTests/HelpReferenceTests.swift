// swdd's front door as a user meets it: its own help (`--help`, `-h`, `help`, `help SUBCOMMAND`),
// subcommand usage errors as `swdd:` lines with exit 2, and through a `dd` symlink GNU dd only
// (compared with GNU dd itself: help, and a subcommand name as an unrecognized operand).

import Foundation
import Testing

enum FrontDoorCases {
    /// Through a `dd` symlink swdd is dd: the same text, messages and statuses as GNU dd.
    static let ddSymlink: [DDCase] = [
        DDCase(name: "dd --help first lines", command: "dd --help | head -n 3"),
        DDCase(name: "dd list is an operand", command: "dd list"),
        DDCase(name: "dd help is an operand", command: "dd help"),
        DDCase(name: "dd bench PATH is an operand", command: "dd bench /dev/null"),
        DDCase(name: "dd -h is an invalid option", command: "dd -h"),
        DDCase(name: "dd list --help is help", command: "dd list --help | head -n 3"),
    ]
}

@Suite("swdd help, usage errors and the dd symlink")
struct HelpReferenceTests {
    @Test("through a dd symlink, GNU dd's behaviour", arguments: FrontDoorCases.ddSymlink)
    func ddSymlink(_ c: DDCase) throws {
        try DDReference.compare(c)
    }

    /// Runs `script` with `swdd` on PATH (a symlink to the binary under test).
    static func run(_ script: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try BenchCommandTests.skipUnderGNU()
        let (dir, bin) = try TargetSafetyReferenceTests.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = DDReference.shell(script, in: dir, path: bin)
        return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr)
    }

    @Test("swdd --help, -h and help print swdd's own help, listing every subcommand")
    func topLevelHelp() throws {
        let help = try Self.run("swdd --help")
        #expect(help.status == 0 && help.stderr.isEmpty)
        let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(Array(lines.prefix(3)) == ["Usage: swdd SUBCOMMAND [ARGUMENT]...", "  or:  swdd [OPERAND]...", "  or:  swdd OPTION"])
        #expect(!help.stdout.contains("translationproject") && !help.stdout.contains("gnu.org"))
        #expect(help.stdout.contains("  if=FILE ") && help.stdout.contains("  conv=CONVS ") && help.stdout.contains("  fullblock "))
        for variant in ["swdd -h", "swdd help"] {
            let other = try Self.run(variant)
            #expect(other.status == 0 && other.stdout == help.stdout, "\(variant)")
        }
        // The reference list of subcommands: the one ArgumentParser writes into the bash
        // completion from the command definitions.
        let completion = try Self.run("swdd --generate-completion-script bash")
        let marker = "compgen -W '"
        let start = try #require(completion.stdout.range(of: marker), "no subcommand list in the bash completion")
        let names = completion.stdout[start.upperBound...].prefix { $0 != "'" }.split(separator: " ")
        #expect(names.count >= 5)
        let subcommandLines = lines.drop { $0 != "Subcommands:" }.dropFirst().prefix { !$0.isEmpty }
        for name in names {
            #expect(subcommandLines.contains { $0.hasPrefix("  \(name) ") }, "subcommand \(name) missing from swdd --help")
        }
    }

    @Test("swdd help SUBCOMMAND and swdd SUBCOMMAND --help are the subcommand's help")
    func subcommandHelp() throws {
        for name in ["list", "image", "restore", "verify", "bench"] {
            let help = try Self.run("swdd help \(name)")
            let flag = try Self.run("swdd \(name) --help")
            #expect(help.status == 0 && flag.status == 0, "\(name): \(help.stderr) \(flag.stderr)")
            #expect(help.stdout == flag.stdout, "\(name)")
            #expect(help.stdout.hasPrefix("OVERVIEW: "), "\(name)")
            #expect(help.stdout.contains("USAGE: swdd \(name) "), "\(name)")
        }
    }

    @Test("usage errors are one swdd: line and a pointer to the help, exit 2")
    func usageErrors() throws {
        let cases: [(String, String)] = [
            ("swdd bench", "swdd: missing expected argument '<target>'"),
            ("swdd list --bogus", "swdd: unknown option '--bogus'"),
            ("swdd image a b c", "swdd: unexpected argument 'c'"),
            ("swdd help nosuch", "swdd: unknown subcommand 'nosuch'"),
        ]
        for (command, first) in cases {
            let result = try Self.run(command)
            #expect(result.status == 2, "\(command): exit \(result.status)")
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.first.map(String.init) == first, "\(command): \(result.stderr)")
            #expect(lines.count == 2 && lines.last?.hasPrefix("Try 'swdd") == true, "\(command): \(result.stderr)")
        }
        // A failure that is not a usage error keeps its own status.
        let missing = try Self.run("swdd verify nosuch.img")
        #expect(missing.status == 1 && missing.stderr.hasPrefix("swdd: "), "\(missing.stderr)")
    }

    @Test("swdd --version is swdd's version")
    func version() throws {
        let result = try Self.run("swdd --version && swdd list --version")
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("swdd 0.") || result.stdout.hasPrefix("swdd 1."), "\(result.stdout)")
    }
}
