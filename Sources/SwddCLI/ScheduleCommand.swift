import ArgumentParser
import SwddBackup
import SwddSystem

/// `swdd schedule add|list|remove|apply`: backups that run by themselves, as systemd timers
/// (where systemd runs) or cron.d entries (elsewhere, or with `--cron`), each running
/// `swdd backup --scheduled NAME …` and then, when the schedule keeps something,
/// `swdd prune --scheduled NAME …` on the same chain.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Run backups on a timer: systemd timers, or cron.d entries where systemd does not run.",
        discussion: """
            A schedule is a systemd timer and oneshot service (/etc/systemd/system/swdd-NAME.timer \
            and .service, Persistent=true) where systemd runs (/run/systemd/system exists under the \
            root), else a cron.d entry (/etc/cron.d/swdd-NAME); --cron always makes a cron.d entry. \
            The files start with a header that marks them as swdd's: only marked files are ever \
            changed or removed. A scheduled run prints no progress and one line per image on \
            standard error (the journal or cron's mail keeps it), prunes its own chain when keep \
            options were given, and exits 5 without waiting when the previous run (or any backup \
            or prune) still holds the repository.
            """,
        subcommands: [ScheduleAddCommand.self, ScheduleListCommand.self, ScheduleRemoveCommand.self, ScheduleApplyCommand.self])

    /// Says `problem` as one line and exits 2 (the user's words) or 1.
    static func fail(_ problem: ScheduleProblem) -> ExitCode {
        ImageCommandSupport.complain(problem.message)
        return ExitCode(problem.isUsage ? 2 : 1)
    }

    static func executable() throws -> String {
        do {
            return try ProgramLocation.currentExecutable()
        } catch {
            ImageCommandSupport.complain("cannot find swdd's own path for the schedule to run: \(error)")
            throw ExitCode(1)
        }
    }

    /// The files as `add` prints them without `--install`: each under a comment naming its path.
    static func printed(_ files: ScheduleFiles, installation: ScheduleInstallation) -> String {
        files.files.map { "### \(installation.path($0.path))\n\($0.text)" }.joined(separator: "\n")
    }

    /// What `--install` and `apply` say once files are written.
    static func installedNote(_ files: ScheduleFiles, name: String) -> String {
        let paths = files.files.map(\.path).joined(separator: ", ")
        let after = files.kind == .systemd
            ? " (enabled; 'systemctl daemon-reload && systemctl start swdd-\(name).timer' starts it without a reboot)"
            : " (cron reads it within a minute)"
        return "schedule '\(name)' installed as \(files.kind.title): \(paths)\(after)"
    }
}

struct RootOption: ParsableArguments {
    @Option(help: ArgumentHelp("Install under DIR instead of / (an image being built, a test).", valueName: "dir"))
    var root = "/"
}

struct ScheduleAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Print, or with --install write, a schedule for a backup.",
        discussion: """
            After '--' comes the backup exactly as 'swdd backup' takes it: backup SOURCE REPO \
            [options…]. It is checked as backup parses it before anything is written. The images \
            go to chain --name, else the schedule's NAME, and the keep options prune that chain \
            after each backup that succeeded.
            """)

    @Argument(help: "The schedule's name: \(Schedule.nameRule).")
    var name: String

    @Option(help: ArgumentHelp("hourly, daily (midnight), weekly (Monday) or monthly (the 1st).", valueName: "period"))
    var every: String?

    @Option(help: ArgumentHelp("A systemd calendar expression (OnCalendar=), checked by systemd-analyze calendar.", valueName: "expr"))
    var calendar: String?

    @Option(help: ArgumentHelp("Five cron fields ('m h dom mon dow'): makes a cron.d entry.", valueName: "fields"))
    var cron: String?

    @OptionGroup var keep: KeepOptions

    @Flag(help: "Write the files (else they are printed).")
    var install = false

    @Flag(help: "Replace an installed schedule of the same name.")
    var overwrite = false

    @OptionGroup var rootOption: RootOption

    @Argument(parsing: .postTerminator, help: ArgumentHelp("-- backup SOURCE REPO [backup options…]", valueName: "backup"))
    var command: [String] = []

    func validate() throws {
        if !Schedule.isValidName(name) { throw ValidationError("invalid schedule name '\(name)': \(Schedule.nameRule)") }
        if [every, calendar, cron].compactMap({ $0 }).count != 1 { throw ValidationError("give exactly one of --every, --calendar or --cron") }
        if command.first != "backup" { throw ValidationError("expected '-- backup SOURCE REPO [options…]' after the schedule's options") }
    }

    func run() throws {
        let installation = ScheduleInstallation(root: rootOption.root)
        let executable = try ScheduleCommand.executable()
        do throws(ScheduleProblem) {
            let timing: ScheduleTiming
            if let every {
                guard let period = ScheduleTiming.Period(rawValue: every) else {
                    throw ScheduleProblem("invalid --every '\(every)': expected hourly, daily, weekly or monthly")
                }
                timing = .every(period)
            } else if let calendar {
                timing = .calendar(try SystemdCalendar.normalize(calendar))
            } else {
                timing = .cron(try CronExpression.parse(cron ?? ""))
            }
            let split = try ScheduleBackupArguments.split(Array(command.dropFirst()))
            let retention = keep.policy
            let schedule = Schedule(name: name, timing: timing, source: split.source, repository: split.repository, chain: split.chain,
                                    options: split.options, retention: retention)
            try ScheduleBackupArguments.check(schedule)
            let kind: ScheduleFiles.Kind = cron != nil ? .cron : installation.defaultKind
            if case .calendar = timing, kind == .cron {
                throw ScheduleProblem("--calendar is systemd's syntax and \(installation.kindReason): use --every or --cron for cron.d")
            }
            let files = try ScheduleFiles.render(schedule, kind: kind, executable: executable)
            let why = cron != nil ? "--cron was given" : installation.kindReason
            guard install else {
                ImageCommandSupport.complain("schedule '\(name)' as \(kind.title), since \(why); --install writes these files:")
                FileDescriptor.standardOutput.writeAll(ScheduleCommand.printed(files, installation: installation))
                return
            }
            let foreign = try installation.foreignFiles(in: files)
            if !foreign.isEmpty {
                throw ScheduleProblem("'\(foreign[0])' exists and was not written by swdd: it is left alone (remove it yourself to use this name)", usage: false)
            }
            let existing = try installation.list().installed.filter { $0.schedule.name == name }
            if !existing.isEmpty && !overwrite {
                throw ScheduleProblem("schedule '\(name)' is already installed (\(existing.map(\.files.kind.rawValue).joined(separator: ", "))): --overwrite replaces it", usage: false)
            }
            try installation.install(files, name: name, replacing: existing)
            ImageCommandSupport.complain(ScheduleCommand.installedNote(files, name: name) + ", since \(why)")
        } catch {
            throw ScheduleCommand.fail(error)
        }
    }
}

struct ScheduleListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the schedules swdd installed: name, kind, when, command.")

    @OptionGroup var rootOption: RootOption

    func run() throws {
        let installation = ScheduleInstallation(root: rootOption.root)
        do throws(ScheduleProblem) {
            let listing = try installation.list()
            var rows = [["NAME", "KIND", "WHEN", "COMMAND"]]
            rows += listing.installed.map { [$0.schedule.name, $0.files.kind.rawValue, $0.schedule.timing.text, $0.commandText] }
            let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
            let text = rows.map { row in (0..<3).map { row[$0].padded(widths[$0]) }.joined(separator: "  ") + "  " + row[3] }.joined(separator: "\n")
            FileDescriptor.standardOutput.writeAll(listing.installed.isEmpty ? "" : text + "\n")
            if listing.installed.isEmpty { ImageCommandSupport.complain("no schedules installed under '\(installation.root)'") }
            for file in listing.foreign { ImageCommandSupport.complain("'\(file)' is named like a schedule but was not written by swdd: left alone") }
        } catch {
            throw ScheduleCommand.fail(error)
        }
    }
}

struct ScheduleRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a schedule swdd installed.")

    @Argument(help: "The schedule's name.")
    var name: String

    @OptionGroup var rootOption: RootOption

    func run() throws {
        let installation = ScheduleInstallation(root: rootOption.root)
        do throws(ScheduleProblem) {
            let listing = try installation.list()
            let matching = listing.installed.filter { $0.schedule.name == name }
            guard !matching.isEmpty else {
                if let foreign = listing.foreign.first(where: { $0.hasSuffix("/swdd-\(name)") || $0.hasSuffix("/swdd-\(name).timer") || $0.hasSuffix("/swdd-\(name).service") }) {
                    throw ScheduleProblem("'\(foreign)' was not written by swdd: it is left alone", usage: false)
                }
                throw ScheduleProblem("no schedule '\(name)' is installed under '\(installation.root)'", usage: false)
            }
            for installed in matching {
                try installation.remove(installed)
                ImageCommandSupport.complain("schedule '\(name)' removed: " + installed.files.files.map(\.path).joined(separator: ", "))
            }
        } catch {
            throw ScheduleCommand.fail(error)
        }
    }
}

struct ScheduleApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the installed schedules match a policy file (YAML): add, change, remove.",
        discussion: """
            The policy maps each schedule's name to its source, repository, chain, time (every, \
            calendar or cron), keep rules and backup options (README has an example). The plan \
            names every schedule to add, each field to change and each schedule to remove; \
            schedules swdd did not install are never touched. Applying the same policy again \
            changes nothing.
            """)

    @Argument(help: "The policy file.")
    var policy: String

    @Flag(help: "Show the plan; change nothing.")
    var dryRun = false

    @OptionGroup var rootOption: RootOption

    func run() throws {
        let installation = ScheduleInstallation(root: rootOption.root)
        let executable = try ScheduleCommand.executable()
        do throws(ScheduleProblem) {
            guard let text = readText(policy) else { throw ScheduleProblem("cannot read policy '\(policy)'", usage: false) }
            let parsed = try SchedulePolicy.parse(text, path: policy)
            var desired: [(schedule: Schedule, files: ScheduleFiles, executable: String)] = []
            for schedule in parsed.schedules {
                try ScheduleBackupArguments.check(schedule)
                var kind = installation.defaultKind
                if case .cron = schedule.timing { kind = .cron }
                if case .calendar = schedule.timing, kind == .cron {
                    throw ScheduleProblem("schedule '\(schedule.name)': a calendar expression is systemd's syntax and \(installation.kindReason): use every or cron")
                }
                desired.append((schedule, try ScheduleFiles.render(schedule, kind: kind, executable: executable), executable))
            }
            let listing = try installation.list()
            for want in desired {
                if let foreign = try installation.foreignFiles(in: want.files).first {
                    throw ScheduleProblem("'\(foreign)' exists and was not written by swdd: it is left alone, so schedule '\(want.schedule.name)' cannot be installed", usage: false)
                }
            }
            let plan = SchedulePlan.make(desired: desired, installed: listing.installed)
            for file in listing.foreign { ImageCommandSupport.complain("'\(file)' is named like a schedule but was not written by swdd: left alone") }
            FileDescriptor.standardOutput.writeAll(plan.text)
            guard !dryRun else { return }
            for step in plan.steps {
                switch step {
                case .add(let schedule, let files):
                    try installation.install(files, name: schedule.name, replacing: [])
                case .change(let schedule, let files, let replacing, _):
                    try installation.install(files, name: schedule.name, replacing: replacing)
                case .remove(let old):
                    try installation.remove(old)
                }
            }
            if !plan.isEmpty { ImageCommandSupport.complain("applied '\(policy)' under '\(installation.root)'") }
        } catch {
            throw ScheduleCommand.fail(error)
        }
    }
}
