import Testing
@testable import SwddDD

/// Expected behaviour from GNU dd 9.1 (`LC_ALL=C /usr/bin/dd ARGS`): getopt_long's messages,
/// each followed by the `Try … --help` line, exit status 1.
@Suite struct DDCommandLineTests {
    func parse(_ arguments: [String], posixlyCorrect: Bool = false) -> Result<DDInvocation, DDUsageError> {
        do {
            return .success(try DDCommandLine.parse(arguments, locale: .c, posixlyCorrect: posixlyCorrect))
        } catch {
            return .failure(error)
        }
    }

    func message(_ arguments: [String]) -> String? {
        if case .failure(let error) = parse(arguments) {
            #expect(error.tryHelp)
            return error.message
        }
        return nil
    }

    @Test func helpAndVersion() {
        for arguments in [["--help"], ["--hel"], ["--h"], ["--help", "foo"], ["foo", "--help"],
                          ["if=/dev/null", "--help"], ["bs=0", "--help"], ["--help", "-x"]] {
            #expect(parse(arguments) == .success(.help), "\(arguments)")
        }
        for arguments in [["--version"], ["--v"], ["--vers"], ["--version", "--help"]] {
            #expect(parse(arguments) == .success(.version), "\(arguments)")
        }
    }

    @Test func optionErrors() {
        #expect(message(["--foo"]) == "unrecognized option '--foo'")
        #expect(message(["--foo=bar"]) == "unrecognized option '--foo=bar'")
        #expect(message(["---"]) == "unrecognized option '---'")
        #expect(message(["-x"]) == "invalid option -- 'x'")
        #expect(message(["-xy"]) == "invalid option -- 'x'")
        #expect(message(["-dash"]) == "invalid option -- 'd'")
        #expect(message(["-x", "--help"]) == "invalid option -- 'x'")
        #expect(message(["--help=x"]) == "option '--help' doesn't allow an argument")
        #expect(message(["--he=x"]) == "option '--help' doesn't allow an argument")
        #expect(message(["--version=1"]) == "option '--version' doesn't allow an argument")
        #expect(message(["--="]) == "option '--=' is ambiguous; possibilities: '--help' '--version'")
    }

    @Test func doubleDashEndsOptions() throws {
        guard case .success(.copy(let settings, _)) = parse(["--"]) else {
            Issue.record("-- alone copies")
            return
        }
        #expect(settings.inputPath == nil)
        #expect(message(["--", "-x"]) == "unrecognized operand '-x'")
        #expect(message(["--", "--help"]) == "unrecognized operand '--help'")
        #expect(message(["--", "foo"]) == "unrecognized operand 'foo'")
        #expect(message(["-"]) == "unrecognized operand '-'")
        guard case .success(.copy(let s2, _)) = parse(["if=a", "--", "of=b"]) else {
            Issue.record("operands around --")
            return
        }
        #expect(s2.inputPath == "a" && s2.outputPath == "b")
    }

    @Test func posixlyCorrectStopsAtFirstOperand() {
        #expect(parse(["if=a", "--help"], posixlyCorrect: true).failureMessage
                == "unrecognized operand '--help'")
        #expect(parse(["--help", "if=a"], posixlyCorrect: true) == .success(.help))
    }

    @Test func warningsTravel() {
        guard case .success(.copy(_, let warnings)) = parse(["count=0x1"]) else {
            Issue.record("count=0x1 is valid")
            return
        }
        #expect(warnings == ["warning: '0x' is a zero multiplier; use '00x' if that is intended"])
        #expect(DDUsageError.tryHelpLine(program: "swdd") == "Try 'swdd --help' for more information.")
    }
}

extension Result where Failure == DDUsageError {
    var failureMessage: String? {
        if case .failure(let error) = self { return error.message }
        return nil
    }
}
