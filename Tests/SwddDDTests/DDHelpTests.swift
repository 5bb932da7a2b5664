#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SwddDD

@Suite struct DDHelpTests {
    /// Runs a shell command and returns its standard output (popen keeps Foundation out).
    static func run(_ command: String) -> String? {
        guard let pipe = popen(command, "r") else { return nil }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        pclose(pipe)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reference: the installed GNU dd 9.1 itself. Skipped, loudly, when it is another version.
    @Test func helpIsGNUs() throws {
        let version = Self.run("LC_ALL=C /usr/bin/dd --version 2>/dev/null | head -1") ?? ""
        try #require(version.hasPrefix("dd (coreutils) 9.1"),
                     "needs GNU dd 9.1 at /usr/bin/dd for the byte-for-byte help comparison")
        let gnu = Self.run("LC_ALL=C /usr/bin/dd --help")
        #expect(DDHelp.text(programName: "/usr/bin/dd") == gnu)
    }

    @Test func programNameInUsage() {
        let text = DDHelp.text(programName: "swdd")
        #expect(text.hasPrefix("Usage: swdd [OPERAND]...\n  or:  swdd OPTION\nCopy a file,"))
        #expect(text.hasSuffix("or available locally via: info '(coreutils) dd invocation'\n"))
        #expect(DDHelp.versionText(version: "0.1.0").hasPrefix("swdd 0.1.0\n"))
    }
}
