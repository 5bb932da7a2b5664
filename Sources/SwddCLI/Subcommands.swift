import ArgumentParser

/// The subcommand half of the command line (`swdd list`, `swdd bench`, …), parsed by
/// ArgumentParser. dd operands never reach it: `SwddCommandLine` routes by the first argument.
struct SwddSubcommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swdd",
        abstract: "Copy, image, restore, verify, back up, mirror, list and measure disks.",
        version: SwddVersion.string,
        subcommands: subcommandTypes
    )

    /// Every subcommand; dispatch checks a first argument against their names.
    static let subcommandTypes: [ParsableCommand.Type] = [
        ListCommand.self, ImageCommand.self, RestoreCommand.self, VerifyCommand.self, MirrorCommand.self, BackupCommand.self, RepoCommand.self, PruneCommand.self, ScheduleCommand.self, MountCommand.self, UmountCommand.self, BenchCommand.self,
    ]

    static var names: Set<String> {
        Set(subcommandTypes.map { $0._commandName })
    }
}

public enum SwddVersion {
    public static let string = "0.1.0"
}
