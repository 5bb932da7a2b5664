import Testing
@testable import SwddCLI
import SwddDD

@Suite struct SwddHelpTests {
    @Test func firstLinesAreSwddsUsage() {
        let lines = SwddHelp.text(program: "swdd").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(Array(lines.prefix(4)) == [
            "Usage: swdd SUBCOMMAND [ARGUMENT]...",
            "  or:  swdd [OPERAND]...",
            "  or:  swdd OPTION",
            "Copy, image, back up, restore, mirror, list and measure disks on Linux: GNU",
        ])
    }

    /// Every subcommand ArgumentParser knows is listed with its abstract, so one added to
    /// `subcommandTypes` appears without an edit to the help.
    @Test func everySubcommandIsListedWithItsAbstract() {
        let text = SwddHelp.text(program: "swdd")
        for type in SwddSubcommands.subcommandTypes {
            let firstWords = type.configuration.abstract.split(separator: " ").prefix(3).joined(separator: " ")
            #expect(text.contains("\n  \(type._commandName)" + String(repeating: " ", count: max(2, 10 - type._commandName.count)) + firstWords),
                    "\(type._commandName) missing from swdd --help")
        }
    }

    /// dd mode's operands, every conv= and flag symbol GNU dd accepts, and swdd's extensions.
    @Test func everyDDSymbolHasAnEntry() {
        let terms = DDModeGuide.sections.flatMap(\.entries).map(\.term)
        func listed(_ symbol: String) -> Bool {
            terms.contains { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains(symbol) }
        }
        for (symbol, _) in DDConversions.symbols { #expect(listed(symbol), "conv=\(symbol)") }
        for (symbol, _) in DDFlags.symbols { #expect(listed(symbol), "flag \(symbol)") }
        for operand in ["if", "of", "bs", "ibs", "obs", "cbs", "count", "skip", "iseek", "seek", "oseek",
                        "conv", "iflag", "oflag", "status", "force", "hash", "hashlog", "compress"] {
            #expect(terms.contains { $0.hasPrefix(operand + "=") || $0.contains(", " + operand + "=") }, "\(operand)=")
        }
    }

    @Test func helpIsFilledToEightyColumns() {
        for line in SwddHelp.text(program: "swdd").split(separator: "\n") {
            #expect(line.count <= 79, "\(line)")
        }
    }

    @Test func routes() {
        #expect(SwddCommandLine.route([]) == .ddMode)
        #expect(SwddCommandLine.route(["--help"]) == .topLevelHelp)
        #expect(SwddCommandLine.route(["-h"]) == .topLevelHelp)
        #expect(SwddCommandLine.route(["help"]) == .topLevelHelp)
        #expect(SwddCommandLine.route(["help", "bench"]) == .subcommand)
        #expect(SwddCommandLine.route(["help", "nosuch"]) == .unknownHelpTopic("nosuch"))
        #expect(SwddCommandLine.route(["bench", "--help"]) == .subcommand)
        #expect(SwddCommandLine.route(["--generate-completion-script", "bash"]) == .subcommand)
        #expect(SwddCommandLine.route(["--generate-completion-script=fish"]) == .subcommand)
        #expect(SwddCommandLine.route(["--help", "if=x"]) == .ddMode)
        #expect(SwddCommandLine.route(["--version"]) == .ddMode)
        #expect(SwddCommandLine.route(["if=x", "of=y"]) == .ddMode)
        #expect(SwddCommandLine.invokedAsDD("dd") && SwddCommandLine.invokedAsDD("/usr/local/bin/dd"))
        #expect(!SwddCommandLine.invokedAsDD("swdd") && !SwddCommandLine.invokedAsDD("/bin/xdd"))
    }

    @Test func usageErrorsAreSwddLines() {
        #expect(SwddCommandLine.usageErrorText("Missing expected argument '<target>'", arguments: ["bench"])
                == "swdd: missing expected argument '<target>'\nTry 'swdd bench --help' for more information.\n")
        #expect(SwddCommandLine.usageErrorText("O_DIRECT refused", arguments: ["help", "x"])
                == "swdd: O_DIRECT refused\nTry 'swdd --help' for more information.\n")
    }

    @Test func jsonReaderReadsToolInfo() throws {
        let value = try #require(ToolInfoJSON.parse(#"{"a" : [1, -2.5e3, true, null, "x\"\\\u00e9\ud83d\ude00\n"], "b": {}}"#))
        #expect(value["a"]?.array == [.number("1"), .number("-2.5e3"), .bool(true), .null, .string("x\"\\é😀\n")])
        #expect(value["b"] == .object([:]))
        #expect(ToolInfoJSON.parse("{\"a\": 1") == nil)
        #expect(ToolInfoJSON.parse("[1] 2") == nil)
    }

    @Test func manualPageHasEverySubcommandAndTheDDOperands() {
        let page = ManualPage.render()
        #expect(page.hasPrefix(".TH SWDD 1 "))
        for type in SwddSubcommands.subcommandTypes {
            #expect(page.contains(".SS \"swdd \(type._commandName)\""), "\(type._commandName)")
        }
        #expect(page.contains("\\fBif=FILE\\fR") && page.contains("\\fBcompress=zstd[:LEVEL]\\fR"))
        #expect(page.contains("\\fB\\-\\-write\\fR"))
        // No text line may start with a roff control character.
        for line in page.split(separator: "\n") where !line.hasPrefix(".") {
            #expect(!line.hasPrefix("'"), "\(line)")
        }
    }

    @Test func roffEscaping() {
        #expect(ManualPage.escaped(".x -y \\z\n'q") == "\\&.x \\-y \\ez\n\\&'q")
    }
}
