/// What `swdd schedule apply` does to make the installed schedules match a policy, as
/// Terraform's plan shows it: each schedule to add, to change (naming exactly the fields that
/// differ) or to remove, and how many already match. Only schedules swdd installed (its mark)
/// are ever in it; applying the same policy again makes an empty plan.
public struct SchedulePlan: Sendable {
    public enum Step: Sendable {
        case add(Schedule, ScheduleFiles)
        /// `replacing` is every installed schedule of that name (two, when one is of each kind).
        case change(Schedule, ScheduleFiles, replacing: [InstalledSchedule], differences: [String])
        case remove(InstalledSchedule)
    }

    public var steps: [Step]
    public var unchanged: [String]

    /// `desired` in the policy's order, each with the files it renders to.
    public static func make(desired: [(schedule: Schedule, files: ScheduleFiles, executable: String)], installed: [InstalledSchedule]) -> SchedulePlan {
        var plan = SchedulePlan(steps: [], unchanged: [])
        for want in desired {
            let current = installed.filter { $0.schedule.name == want.schedule.name }
            guard let first = current.first(where: { $0.files.kind == want.files.kind }) ?? current.first else {
                plan.steps.append(.add(want.schedule, want.files))
                continue
            }
            if current.count == 1 && first.files == want.files {
                plan.unchanged.append(want.schedule.name)
                continue
            }
            var differences = fieldDifferences(from: first, to: want.schedule, kind: want.files.kind, executable: want.executable)
            for other in current where other.files.kind != first.files.kind {
                differences.append("its \(other.files.kind.rawValue) copy removed")
            }
            if differences.isEmpty { differences = ["files rewritten (they differ from what this swdd writes)"] }
            plan.steps.append(.change(want.schedule, want.files, replacing: current, differences: differences))
        }
        let wanted = Set(desired.map(\.schedule.name))
        for old in installed where !wanted.contains(old.schedule.name) {
            plan.steps.append(.remove(old))
        }
        return plan
    }

    /// `when daily → weekly`, one entry per field that differs.
    static func fieldDifferences(from old: InstalledSchedule, to new: Schedule, kind: ScheduleFiles.Kind, executable: String) -> [String] {
        let shell = { (words: [String]) in words.isEmpty ? "(none)" : words.map(ScheduleQuoting.shell).joined(separator: " ") }
        let pairs: [(String, String, String)] = [
            ("kind", old.files.kind.rawValue, kind.rawValue),
            ("when", old.schedule.timing.text, new.timing.text),
            ("source", shell([old.schedule.source]), shell([new.source])),
            ("repository", shell([old.schedule.repository]), shell([new.repository])),
            ("chain", shell([old.schedule.chain]), shell([new.chain])),
            ("options", shell(old.schedule.options), shell(new.options)),
            ("keep", Schedule.retentionText(old.schedule.retention), Schedule.retentionText(new.retention)),
            ("swdd", shell([old.executable]), shell([executable])),
        ]
        return pairs.filter { $0.1 != $0.2 }.map { "\($0.0) \($0.1) → \($0.2)" }
    }

    public var isEmpty: Bool { steps.isEmpty }

    /// One line per step, then a count.
    public var text: String {
        var lines: [String] = []
        var counts = (add: 0, change: 0, remove: 0)
        for step in steps {
            switch step {
            case .add(let schedule, let files):
                counts.add += 1
                lines.append("+ add \(schedule.name) (\(files.kind.rawValue)): \(schedule.timing.text); back up \(ScheduleQuoting.shell(schedule.source)) "
                             + "into \(ScheduleQuoting.shell(schedule.repository)) as chain \(ScheduleQuoting.shell(schedule.chain))"
                             + (schedule.options.isEmpty ? "" : " with " + schedule.options.map(ScheduleQuoting.shell).joined(separator: " "))
                             + "; keep \(Schedule.retentionText(schedule.retention))")
            case .change(let schedule, _, _, let differences):
                counts.change += 1
                lines.append("~ change \(schedule.name): " + differences.joined(separator: "; "))
            case .remove(let old):
                counts.remove += 1
                lines.append("- remove \(old.schedule.name) (\(old.files.kind.rawValue)): not in the policy")
            }
        }
        lines.append("plan: \(counts.add) to add, \(counts.change) to change, \(counts.remove) to remove, \(unchanged.count) unchanged")
        return lines.joined(separator: "\n") + "\n"
    }
}
