import ArgumentParser
import SwddBackup

/// A schedule's backup arguments, checked as `swdd backup` itself parses them (so nothing is
/// written for a command line that would fail at 2 a.m.), and `schedule add`'s
/// `-- backup SOURCE REPO [options…]` split into SOURCE, REPO, `--name` and the other options
/// the way ArgumentParser reads them (from its own description of `backup`'s options).
enum ScheduleBackupArguments {
    struct Split {
        var source: String
        var repository: String
        var chain: String?
        var options: [String]
    }

    static func split(_ arguments: [String]) throws(ScheduleProblem) -> Split {
        // First as backup parses them: the first error is backup's own.
        let parsed = try parse(arguments)
        let valued = optionsTakingValues
        var positionals: [String] = []
        var options: [String] = []
        var chain: String?
        var index = 0
        var afterTerminator = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if afterTerminator || argument == "-" || !argument.hasPrefix("-") {
                positionals.append(argument)
            } else if argument == "--" {
                afterTerminator = true
            } else if argument.hasPrefix("--name=") {
                chain = String(argument.dropFirst("--name=".count))
            } else if argument == "--name", index < arguments.count {
                chain = arguments[index]
                index += 1
            } else if argument == "--scheduled" || argument.hasPrefix("--scheduled=") {
                throw ScheduleProblem("the schedule adds --scheduled itself: leave it out of the backup's arguments")
            } else {
                options.append(argument)
                if valued.contains(argument), index < arguments.count {
                    options.append(arguments[index])
                    index += 1
                }
            }
        }
        guard positionals == [parsed.source, parsed.repository] else {
            throw ScheduleProblem("cannot tell SOURCE and REPO apart from the options in: backup \(arguments.map(ScheduleQuoting.shell).joined(separator: " "))")
        }
        return Split(source: parsed.source, repository: parsed.repository, chain: chain, options: options)
    }

    /// The schedule's own command line, as the unit will run it, parsed by `BackupCommand`.
    static func check(_ schedule: Schedule) throws(ScheduleProblem) {
        // systemd and cron start the command in / (or root's home): a relative path would mean
        // something else there than where it was typed.
        for (what, path) in [("SOURCE", schedule.source), ("REPO", schedule.repository)] where !path.hasPrefix("/") && !path.contains("://") {
            throw ScheduleProblem("schedule '\(schedule.name)': \(what) '\(path)' is relative; a scheduled run starts in '/', so give an absolute path")
        }
        for argument in schedule.options where argument == "--scheduled" || argument.hasPrefix("--scheduled=") {
            throw ScheduleProblem("schedule '\(schedule.name)': the schedule adds --scheduled itself: leave it out of the options")
        }
        let parsed = try parse(["--scheduled", schedule.name] + schedule.backupArguments)
        guard parsed.source == schedule.source, parsed.repository == schedule.repository, parsed.name == schedule.chain else {
            throw ScheduleProblem("schedule '\(schedule.name)': its options change what SOURCE, REPO or the chain are: "
                                  + schedule.options.map(ScheduleQuoting.shell).joined(separator: " "))
        }
    }

    private static func parse(_ arguments: [String]) throws(ScheduleProblem) -> BackupCommand {
        do {
            return try BackupCommand.parse(arguments)
        } catch {
            let message = BackupCommand.message(for: error)
            throw ScheduleProblem("the backup would not run: " + SwddCommandLine.usageErrorText(message, arguments: []).split(separator: "\n")[0].dropFirst("swdd: ".count))
        }
    }

    /// `backup`'s long and short option names that take a value (`--level`, …), from
    /// ArgumentParser's description of the command.
    static var optionsTakingValues: Set<String> {
        guard let command = ToolInfoJSON.parse(BackupCommand._dumpHelp())?["command"] else { return [] }
        var names: Set<String> = []
        for argument in command["arguments"]?.array ?? [] where argument["kind"]?.string == "option" {
            for name in argument["names"]?.array ?? [] {
                guard let text = name["name"]?.string else { continue }
                names.insert((name["kind"]?.string == "long" ? "--" : "-") + text)
            }
        }
        return names
    }
}
