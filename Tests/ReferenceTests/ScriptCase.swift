// A case of swdd's own features (no GNU counterpart to run beside it): a shell script, with
// `swdd` on PATH, that prints pairs "<what swdd did> <what the reference tool says>", one pair
// per line; every pair must agree. The reference side is a real tool wherever one exists
// (sha256sum, zstd -d, pyzstd, fdisk, cmp).

import Foundation
import Testing

struct ScriptCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// Prints pairs, split at a `|` when the line has one, else at the first space.
    var script: String
    var needsLoop = false
    /// A command that must succeed for the case to run (`python3 -c 'import pyzstd'`), and why.
    var requires: (command: String, reason: String)? = nil
    var testDescription: String { name }

    /// Shell helpers every script gets. `flip FILE OFFSET` inverts one byte in place: always a
    /// change, where writing a fixed byte leaves a byte that already held it (1 in 256) intact.
    static let helpers = #"""
        flip() { b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '); printf "\\$(printf %03o $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

        """#

    /// A script exiting with `skipStatus` (its prelude found a server it needs cannot start)
    /// skips the case with `skipReason` instead of failing.
    func run(prelude: String = "", skipStatus: Int32? = nil, skipReason: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
        try BenchCommandTests.skipUnderGNU()
        if needsLoop { try BenchCommandTests.skipWithoutLoop() }
        let (dir, bin) = try TargetSafetyReferenceTests.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        if let requires, DDReference.shell(requires.command, in: dir).status != 0 {
            print("SKIP \(name): \(requires.reason)")
            try Test.cancel(Comment(rawValue: requires.reason))
        }
        let result = DDReference.shell(Self.helpers + prelude + script, in: dir, path: bin, timeout: 120)
        if let skipStatus, result.status == skipStatus {
            print("SKIP \(name): \(skipReason)")
            try Test.cancel(Comment(rawValue: skipReason))
        }
        ScriptCase.expectPairs(result, name: name, sourceLocation: sourceLocation)
    }

    /// The checks every pair-printing script gets: it exited 0, printed something, and each
    /// line is a pair whose two sides agree. A line `SKIP why` is a part of the script left out
    /// on this machine (no /dev/fuse, no systemd-analyze): said in the test output, not compared.
    static func expectPairs(_ result: DDReference.ShellResult, name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 0, "script failed (\(result.status)): \(result.stderr)", sourceLocation: sourceLocation)
        let all = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        for skipped in all where skipped.hasPrefix("SKIP ") { print("SKIP \(name): \(skipped.dropFirst(5))") }
        let lines = all.filter { !$0.hasPrefix("SKIP ") }
        #expect(!lines.isEmpty, "the script printed nothing: \(result.stderr)", sourceLocation: sourceLocation)
        for line in lines {
            let words = line.split(separator: line.contains("|") ? "|" : " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            #expect(words.count == 2 && !words[0].isEmpty && words[0] == words[1], "\(name): \(line)", sourceLocation: sourceLocation)
        }
    }
}
