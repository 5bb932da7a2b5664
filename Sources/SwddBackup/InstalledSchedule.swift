/// A schedule found under a root: its files, their kind, and the schedule their header
/// records. Files named like swdd's (`swdd-*`) without swdd's mark are someone else's: they
/// are reported and never changed.
public struct InstalledSchedule: Sendable, Equatable {
    public let schedule: Schedule
    public let files: ScheduleFiles
    /// The swdd the commands run.
    public let executable: String

    /// Reads the header `ScheduleFiles.header` wrote; nil when `text` does not carry swdd's mark.
    /// A marked header that cannot be read is a problem (swdd wrote it: something edited it).
    public static func header(of text: String, path: String) throws(ScheduleProblem) -> (schedule: Schedule, executable: String)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map(String.init) == ScheduleFiles.mark else { return nil }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard line.hasPrefix("# "), let colon = line.firstIndex(of: ":") else { break }
            let key = String(line[line.index(line.startIndex, offsetBy: 2)..<colon])
            fields[key] = String(line[line.index(after: colon)...].drop(while: { $0 == " " }))
        }
        let unreadable = { (what: String) in ScheduleProblem("schedule file '\(path)' was written by swdd but its \(what) cannot be read: remove it with 'swdd schedule remove'", usage: false) }
        guard let name = fields["swdd-schedule"], Schedule.isValidName(name) else { throw unreadable("name") }
        guard let when = fields["when"], let timing = try? ScheduleTiming.parse(when) else { throw unreadable("time") }
        guard let source = try? single(fields["source"]), let repository = try? single(fields["repository"]),
              let chain = try? single(fields["chain"]), let executable = try? single(fields["executable"]) else { throw unreadable("paths") }
        guard let options = try? ScheduleQuoting.shellWords(fields["options"] ?? "") else { throw unreadable("options") }
        guard let keep = fields["keep"], let retention = Schedule.retention(from: keep) else { throw unreadable("retention") }
        return (Schedule(name: name, timing: timing, source: source, repository: repository, chain: chain, options: options, retention: retention), executable)
    }

    private struct NotOneWord: Error {}

    private static func single(_ field: String?) throws -> String {
        guard let field, let words = try? ScheduleQuoting.shellWords(field), words.count == 1 else { throw NotOneWord() }
        return words[0]
    }

    public init(schedule: Schedule, files: ScheduleFiles, executable: String) {
        self.schedule = schedule
        self.files = files
        self.executable = executable
    }

    /// How `list` shows the commands: the user's arguments as shell words, swdd's own path left out.
    public var commandText: String {
        var text = (["swdd"] + schedule.backupCommand(executable: executable).dropFirst()).map(ScheduleQuoting.shell).joined(separator: " ")
        if let prune = schedule.pruneCommand(executable: executable) {
            text += " && " + (["swdd"] + prune.dropFirst()).map(ScheduleQuoting.shell).joined(separator: " ")
        }
        return text
    }
}
