import Yams

/// A policy file for `swdd schedule apply`: backups as code. YAML (read by Yams, over libyaml),
/// held to a strict shape — an unknown key, a missing one, or a value of the wrong kind is an
/// error naming its line — so that a typo never silently drops a schedule or its retention:
///
/// ```yaml
/// schedules:
///   nightly:
///     source: /dev/sda1
///     repository: /srv/backups
///     chain: sda1                  # optional; default: the schedule's name
///     every: daily                 # or  calendar: "Mon..Fri 02:30"  or  cron: "30 2 * * *"
///     keep: {last: 3, daily: 7}    # optional: prune the chain after each backup
///     options: [--level, "3"]      # optional: more `swdd backup` options
/// ```
public struct SchedulePolicy: Sendable {
    public var schedules: [Schedule]

    static let scheduleKeys = ["source", "repository", "chain", "every", "calendar", "cron", "keep", "options"]

    /// `path` names the file in messages. `calendar` normalizes and checks a calendar
    /// expression (``SystemdCalendar/normalize(_:)``; tests pass their own).
    public static func parse(_ text: String, path: String,
                             calendar: (String) throws(ScheduleProblem) -> String = SystemdCalendar.normalize) throws(ScheduleProblem) -> SchedulePolicy {
        let problem = { (node: Node?, what: String) in
            ScheduleProblem("policy '\(path)'\(node?.mark.map { " line \($0.line)" } ?? ""): \(what)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScheduleProblem("policy '\(path)': \(oneLine(error))")
        } catch {
            throw ScheduleProblem("policy '\(path)': \(error)")
        }
        guard let root, case .mapping(let top) = root else { throw problem(root, "expected a mapping with the key 'schedules'") }
        for (key, _) in top where key.string != "schedules" {
            throw problem(key, "unknown key '\(key.string ?? "?")' (expected 'schedules')")
        }
        guard let list = top["schedules"] else { throw problem(root, "no 'schedules' key") }
        var schedules: [Schedule] = []
        if case .scalar(let scalar) = list, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return SchedulePolicy(schedules: [])  // `schedules:` with nothing: no schedule wanted
        }
        guard case .mapping(let entries) = list else { throw problem(list, "'schedules' must map each schedule's name to its settings") }
        for (key, value) in entries {
            guard let name = scalarText(key), Schedule.isValidName(name) else {
                throw problem(key, "invalid schedule name '\(key.string ?? "?")': \(Schedule.nameRule)")
            }
            guard case .mapping(let fields) = value else { throw problem(value, "schedule '\(name)' must be a mapping of its settings") }
            for (field, _) in fields where !scheduleKeys.contains(field.string ?? "") {
                throw problem(field, "schedule '\(name)': unknown key '\(field.string ?? "?")' (expected \(scheduleKeys.joined(separator: ", ")))")
            }
            func text(_ key: String, required: Bool = true) throws(ScheduleProblem) -> String? {
                guard let node = fields[key] else {
                    if required { throw problem(value, "schedule '\(name)' has no '\(key)'") }
                    return nil
                }
                guard let string = scalarText(node), !string.isEmpty else { throw problem(node, "schedule '\(name)': '\(key)' must be a non-empty string") }
                return string
            }
            let source = try text("source")!
            let repository = try text("repository")!
            let chain = try text("chain", required: false)
            let times = ["every", "calendar", "cron"].filter { fields[$0] != nil }
            guard times.count == 1 else { throw problem(value, "schedule '\(name)' needs exactly one of 'every', 'calendar' or 'cron'") }
            let timing: ScheduleTiming
            switch times[0] {
            case "every":
                let word = try text("every")!
                guard let period = ScheduleTiming.Period(rawValue: word) else {
                    throw problem(fields["every"], "schedule '\(name)': every '\(word)' is not hourly, daily, weekly or monthly")
                }
                timing = .every(period)
            case "calendar":
                do { timing = .calendar(try calendar(try text("calendar")!)) } catch { throw problem(fields["calendar"], error.message) }
            default:
                do { timing = .cron(try CronExpression.parse(try text("cron")!)) } catch { throw problem(fields["cron"], error.message) }
            }
            var retention = RetentionPolicy()
            if let keep = fields["keep"] {
                guard case .mapping(let rules) = keep else { throw problem(keep, "schedule '\(name)': 'keep' must map rules (\(Schedule.retentionWords.joined(separator: ", "))) to counts") }
                for (rule, count) in rules {
                    guard case .scalar(let scalar) = count, scalar.style == .plain, let number = Int(scalar.string), number >= 0 else {
                        throw problem(count, "schedule '\(name)': keep \(rule.string ?? "?") must be a whole number")
                    }
                    guard Schedule.setRetention(&retention, word: rule.string ?? "", count: number) else {
                        throw problem(rule, "schedule '\(name)': unknown keep rule '\(rule.string ?? "?")' (expected \(Schedule.retentionWords.joined(separator: ", ")))")
                    }
                }
            }
            var options: [String] = []
            if let list = fields["options"] {
                guard case .sequence(let items) = list else { throw problem(list, "schedule '\(name)': 'options' must be a list of arguments") }
                for item in items {
                    guard let argument = scalarText(item) else { throw problem(item, "schedule '\(name)': each option must be a string") }
                    options.append(argument)
                }
            }
            schedules.append(Schedule(name: name, timing: timing, source: source, repository: repository, chain: chain, options: options, retention: retention))
        }
        return SchedulePolicy(schedules: schedules)
    }

    /// A scalar's text, whatever YAML would resolve it to (a path of digits is still a path).
    static func scalarText(_ node: Node) -> String? {
        guard case .scalar(let scalar) = node else { return nil }
        return scalar.string
    }

    /// libyaml's message without the source excerpt Yams appends on further lines.
    static func oneLine(_ error: YamlError) -> String {
        if case .duplicatedKeysInMapping(let duplicates, _) = error {
            return "a key appears twice in one mapping: \(duplicates.sorted().joined(separator: ", "))"
        }
        let first = String(describing: error).split(separator: "\n").first.map(String.init) ?? "unreadable YAML"
        return first.replacing(": error: ", with: ": ")
    }
}
