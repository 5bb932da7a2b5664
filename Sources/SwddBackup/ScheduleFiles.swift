/// The files that carry a schedule: a systemd timer and the oneshot service it starts, or one
/// cron.d entry. Each begins with a header that marks it as swdd's and records the schedule
/// (``InstalledSchedule`` reads it back), so `list`, `remove` and `apply` only ever touch
/// files swdd wrote, and `apply` can name what differs.
public struct ScheduleFiles: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case systemd, cron

        /// What the output calls it.
        public var title: String { self == .systemd ? "a systemd timer and service" : "a cron.d entry" }
    }

    public let kind: Kind
    /// Paths from the root (`/etc/systemd/system/swdd-NAME.timer`), each with its text.
    public let files: [(path: String, text: String)]

    public static func == (a: ScheduleFiles, b: ScheduleFiles) -> Bool {
        a.kind == b.kind && a.files.map(\.path) == b.files.map(\.path) && a.files.map(\.text) == b.files.map(\.text)
    }

    public static let unitDirectory = "/etc/systemd/system"
    public static let cronDirectory = "/etc/cron.d"
    /// Where `systemctl enable` links a timer that `timers.target` wants.
    public static let wantsDirectory = unitDirectory + "/timers.target.wants"

    public static func timerPath(_ name: String) -> String { "\(unitDirectory)/swdd-\(name).timer" }
    public static func servicePath(_ name: String) -> String { "\(unitDirectory)/swdd-\(name).service" }
    public static func cronPath(_ name: String) -> String { "\(cronDirectory)/swdd-\(name)" }

    /// The first line of every file swdd writes for a schedule: the mark `list`, `remove` and
    /// `apply` look for.
    public static let mark = "# Installed by 'swdd schedule'; 'swdd schedule remove NAME' removes it, and the next install replaces edits."

    /// The files for `schedule`, running the swdd at `executable`. Every argument must have
    /// passed ``ScheduleQuoting/checkWritable(_:)``.
    public static func render(_ schedule: Schedule, kind: Kind, executable: String) throws(ScheduleProblem) -> ScheduleFiles {
        for argument in schedule.userArguments + [executable] { try ScheduleQuoting.checkWritable(argument) }
        let header = self.header(schedule, executable: executable)
        let backup = schedule.backupCommand(executable: executable)
        let prune = schedule.pruneCommand(executable: executable)
        switch kind {
        case .systemd:
            guard let onCalendar = schedule.timing.onCalendar else {
                throw ScheduleProblem("schedule '\(schedule.name)' has cron fields ('\(schedule.timing.text)'): systemd timers take --every or --calendar")
            }
            let what = "back up \(schedule.source.shellQuotedForText) into \(schedule.repository.shellQuotedForText)"
            var service = header + """
                [Unit]
                Description=\(ScheduleQuoting.systemdText("swdd schedule \(schedule.name): \(what)"))

                [Service]
                Type=oneshot
                # One line per image on standard error, which the journal keeps; a failed backup
                # stops here, so nothing is pruned after it.
                ExecStart=\(backup.map(ScheduleQuoting.systemd).joined(separator: " "))

                """
            if let prune { service += "ExecStart=\(prune.map(ScheduleQuoting.systemd).joined(separator: " "))\n" }
            service += """
                Nice=10
                IOSchedulingClass=best-effort
                IOSchedulingPriority=7

                """
            let timer = header + """
                [Unit]
                Description=\(ScheduleQuoting.systemdText("swdd schedule \(schedule.name) (\(schedule.timing.text))"))

                [Timer]
                OnCalendar=\(onCalendar)
                # A run missed while the machine was off happens at the next boot.
                Persistent=true
                Unit=swdd-\(schedule.name).service

                [Install]
                WantedBy=timers.target

                """
            return ScheduleFiles(kind: kind, files: [(timerPath(schedule.name), timer), (servicePath(schedule.name), service)])
        case .cron:
            guard let fields = schedule.timing.cronFields else {
                throw ScheduleProblem("schedule '\(schedule.name)' has a systemd calendar expression ('\(schedule.timing.text)'): cron takes --every or --cron")
            }
            var command = backup.map(ScheduleQuoting.shell).joined(separator: " ")
            if let prune { command += " && " + prune.map(ScheduleQuoting.shell).joined(separator: " ") }
            let entry = header + """
                SHELL=/bin/sh
                PATH=/usr/sbin:/usr/bin:/sbin:/bin
                # One line per image on standard error, which cron mails; a failed backup is not pruned after.
                \(fields) root \(try ScheduleQuoting.cron(command))

                """
            return ScheduleFiles(kind: kind, files: [(cronPath(schedule.name), entry)])
        }
    }

    /// The mark, then the schedule's fields one per comment line, values as shell words.
    static func header(_ schedule: Schedule, executable: String) -> String {
        let fields: [(String, String)] = [
            ("swdd-schedule", schedule.name),
            ("when", schedule.timing.text),
            ("source", ScheduleQuoting.shell(schedule.source)),
            ("repository", ScheduleQuoting.shell(schedule.repository)),
            ("chain", ScheduleQuoting.shell(schedule.chain)),
            ("options", schedule.options.map(ScheduleQuoting.shell).joined(separator: " ")),
            ("keep", Schedule.retentionText(schedule.retention)),
            ("executable", ScheduleQuoting.shell(executable)),
        ]
        return mark + "\n" + fields.map { "# \($0.0):" + ($0.1.isEmpty ? "" : " " + $0.1) + "\n" }.joined() + "\n"
    }
}

extension String {
    /// For a description: quoted as the shell would need it, so a reader sees where it ends.
    var shellQuotedForText: String { "'" + replacing("'", with: "'\\''") + "'" }
}
