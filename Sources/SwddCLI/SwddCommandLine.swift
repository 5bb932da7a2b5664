import SwddSystem

/// Entry point: a first argument naming a subcommand goes to ArgumentParser; anything else
/// (dd operands, `--help`, `--version`, or nothing) is dd mode, parsed by hand so that errors
/// and exit codes match GNU dd.
public enum SwddCommandLine {
    public static func main() -> Never {
        let arguments = CommandLine.arguments
        // The hidden helper that holds a --freeze (spawned by swdd itself, never listed); as dd,
        // swdd is dd only.
        if arguments.count > 1, arguments[1] == FilesystemFreeze.helperEntryPoint, programName(arguments.first).split(separator: "/").last != "dd" {
            FreezeHelper.run(Array(arguments.dropFirst(2)))
        }
        if arguments.count > 1, SwddSubcommands.names.contains(arguments[1]) {
            // Every subcommand's output, help included (ArgumentParser prints before `run`), is
            // checked at exit: lost output is `swdd: write error: …` and exit 1, never exit 0.
            StandardStreams.checkAtExit(program: "swdd")
            SwddSubcommands.main(Array(arguments.dropFirst()))
            ProcessEnvironment.exit(status: 0)
        }
        DDMode.run(Array(arguments.dropFirst()), program: programName(arguments.first))
    }

    /// The name messages start with: argv[0] exactly as invoked, as GNU tools print it, so a
    /// `dd` symlink to swdd says `dd: …` (and `/usr/bin/dd: …` when run by that path).
    static func programName(_ argv0: String?) -> String {
        guard let argv0, !argv0.isEmpty else { return "swdd" }
        return argv0
    }
}
