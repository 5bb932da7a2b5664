import ArgumentParser
import SwddSystem

/// Entry point. Invoked through a `dd` symlink, swdd is dd only: every argument is dd's, a
/// subcommand name is an operand and `--help` is GNU dd's text. Invoked as swdd, a first argument
/// naming a subcommand (or `help SUBCOMMAND`) goes to ArgumentParser; `--help`, `-h` or `help`
/// alone print swdd's own help; anything else (dd operands, `--version`, or nothing) is dd mode,
/// parsed by hand so that errors and exit codes match GNU dd.
public enum SwddCommandLine {
    public static func main() -> Never {
        let arguments = CommandLine.arguments
        let program = programName(arguments.first)
        let rest = Array(arguments.dropFirst())
        if invokedAsDD(program) { DDMode.run(rest, program: program) }
        // The hidden helper that holds a --freeze (spawned by swdd itself, never listed).
        if rest.first == FilesystemFreeze.helperEntryPoint { FreezeHelper.run(Array(rest.dropFirst())) }
        // The far end of a mirror with an ssh:// side (started by swdd itself over ssh, never listed).
        if rest.first == RemoteMirrorPeer.entryPoint { RemoteMirrorPeer.run() }
        switch route(rest) {
        case .topLevelHelp:
            StandardStreams.checkAtExit(program: program)
            writeStandardOutput(SwddHelp.text(program: program))
            ProcessEnvironment.exit(status: 0)
        case .manualPage:
            StandardStreams.checkAtExit(program: program)
            writeStandardOutput(ManualPage.render())
            ProcessEnvironment.exit(status: 0)
        case .subcommand:
            runSubcommand(rest)
        case .unknownHelpTopic(let topic):
            writeStandardError(usageErrorText("unknown subcommand '\(topic)'", arguments: rest))
            ProcessEnvironment.exit(status: usageStatus)
        case .ddMode:
            DDMode.run(rest, program: program)
        }
    }

    /// Where a swdd (not dd) command line goes.
    enum Route: Equatable {
        case topLevelHelp
        /// The roff manual page, for `scripts/install` (hidden, like ArgumentParser's own
        /// `--generate-completion-script`).
        case manualPage
        case subcommand
        /// `swdd help NAME` where NAME is no subcommand (ArgumentParser would print the root's
        /// help and exit 0).
        case unknownHelpTopic(String)
        case ddMode
    }

    static func route(_ arguments: [String]) -> Route {
        guard let first = arguments.first else { return .ddMode }
        if arguments.count == 1 && ["--help", "-h", "help"].contains(first) { return .topLevelHelp }
        if arguments.count == 1 && first == ManualPage.option { return .manualPage }
        if SwddSubcommands.names.contains(first) { return .subcommand }
        if first == "help" {
            let topic = arguments[1]
            return SwddSubcommands.names.contains(topic) || topic == "help" ? .subcommand : .unknownHelpTopic(topic)
        }
        // ArgumentParser's own root options: the completion scripts it writes, and the
        // `---completion` calls those scripts make back into swdd.
        if first.hasPrefix("--generate-completion-script") || first == "---completion" { return .subcommand }
        return .ddMode
    }

    /// Parses and runs a subcommand as `ParsableCommand.main` would, except that a usage error is
    /// swdd's: `swdd: <message>` and a pointer to the subcommand's help on standard error, exit 2
    /// (DESIGN's statuses; ArgumentParser's own is 64 with `Error:`). Help, version and the
    /// statuses a command throws (`ExitCode(3)`, …) are ArgumentParser's.
    static func runSubcommand(_ arguments: [String]) -> Never {
        // Every subcommand's output, help included (ArgumentParser prints before `run`), is
        // checked at exit: lost output is `swdd: write error: …` and exit 1, never exit 0.
        StandardStreams.checkAtExit(program: "swdd")
        do {
            var command = try SwddSubcommands.parseAsRoot(arguments)
            try command.run()
        } catch {
            if SwddSubcommands.exitCode(for: error) == .validationFailure {
                writeStandardError(usageErrorText(SwddSubcommands.message(for: error), arguments: arguments))
                ProcessEnvironment.exit(status: usageStatus)
            }
            SwddSubcommands.exit(withError: error)
        }
        ProcessEnvironment.exit(status: 0)
    }

    /// Exit status of a subcommand's usage error (DESIGN §3).
    static let usageStatus: Int32 = 2

    /// `swdd: <message>` then where to read more, the way GNU tools follow a usage error.
    /// ArgumentParser's messages start with a capital (`Missing expected argument '<target>'`);
    /// swdd's lines, like GNU's, do not.
    static func usageErrorText(_ message: String, arguments: [String]) -> String {
        var line = message
        if let first = line.first, first.isUppercase, line.dropFirst().first?.isLowercase == true {
            line = first.lowercased() + line.dropFirst()
        }
        let subcommand = arguments.first.flatMap { SwddSubcommands.names.contains($0) ? $0 : nil }
        let help = subcommand.map { "swdd \($0) --help" } ?? "swdd --help"
        return "swdd: \(line)\nTry '\(help)' for more information.\n"
    }

    /// The name messages start with: argv[0] exactly as invoked, as GNU tools print it, so a
    /// `dd` symlink to swdd says `dd: …` (and `/usr/bin/dd: …` when run by that path).
    static func programName(_ argv0: String?) -> String {
        guard let argv0, !argv0.isEmpty else { return "swdd" }
        return argv0
    }

    /// Whether argv[0]'s last component is `dd`: a `dd` symlink, however it was reached.
    static func invokedAsDD(_ program: String) -> Bool {
        program == "dd" || program.hasSuffix("/dd")
    }
}
