// Schedules without a system: cron fields, quoting, the header read back, the policy's strict
// shape and the plan's differences, each against strings written out by hand.

import Testing
@testable import SwddBackup

@Suite("schedules")
struct ScheduleTests {
    @Test("cron fields: crontab(5)'s forms pass, anything else names its field", arguments: [
        ("*/15 0-6,22,23 1 jan-mar mon-fri", nil),
        ("0 0 * * 7", nil),
        ("5 4 * * sun", nil),
        ("60 * * * *", "minute '60': 60 is outside 0-59"),
        ("0 24 * * *", "hour '24': 24 is outside 0-23"),
        ("0 0 0 * *", "day of month '0': 0 is outside 1-31"),
        ("0 0 * 13 *", "month '13': 13 is outside 1-12"),
        ("0 0 * * 5-1", "day of week '5-1': '5-1' runs backwards"),
        ("*/0 * * * *", "minute '*/0': step '0' is not a number above 0"),
        ("0 0 * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 6"),
        ("1,,2 * * * *", "minute '1,,2': an empty item in a list"),
        ("@daily", "the @ shorthands are not taken: use --every hourly|daily|weekly|monthly"),
    ] as [(String, String?)])
    func cron(_ text: String, _ problem: String?) {
        do {
            _ = try CronExpression.parse(text)
            #expect(problem == nil)
        } catch {
            #expect(error.message == "invalid cron time '\(text)': \(problem ?? "")")
        }
    }

    @Test("quoting: systemd doubles % and $, sh single-quotes, cron escapes %")
    func quoting() throws {
        #expect(ScheduleQuoting.systemd("/dev/sda1") == "/dev/sda1")
        #expect(ScheduleQuoting.systemd("a b") == "\"a b\"")
        #expect(ScheduleQuoting.systemd("100% $HOME \"q\" \\") == "\"100%% $$HOME \\\"q\\\" \\\\\"")
        #expect(ScheduleQuoting.systemd("-x") == "-x")
        #expect(ScheduleQuoting.shell("it's") == "'it'\\''s'")
        #expect(try ScheduleQuoting.cron("a '50%'") == "a '50\\%'")
        #expect(throws: ScheduleProblem.self) { try ScheduleQuoting.cron("'a\\%'") }
        #expect(throws: ScheduleProblem.self) { try ScheduleQuoting.checkWritable("a\nb") }
        let words = ["it's", "a \"b\"", "$x", "", "-lead"]
        #expect(try ScheduleQuoting.shellWords(words.map(ScheduleQuoting.shell).joined(separator: " ")) == words)
    }

    static let sample = Schedule(name: "nightly", timing: .cron(try! CronExpression.parse("30 2 * * 1-5")), source: "/dev/my disk",
                                 repository: "/srv/it's", chain: "-odd", options: ["--level", "3"], retention: RetentionPolicy(last: 2, weekly: 4))

    @Test("a rendered file's header reads back as the schedule it was made from")
    func headerRoundTrip() throws {
        for kind in [ScheduleFiles.Kind.cron] {
            let files = try ScheduleFiles.render(Self.sample, kind: kind, executable: "/usr/bin/swdd")
            let header = try #require(try InstalledSchedule.header(of: files.files[0].text, path: "x"))
            #expect(header.schedule == Self.sample)
            #expect(header.executable == "/usr/bin/swdd")
        }
        #expect(try InstalledSchedule.header(of: "# someone else's\n", path: "x") == nil)
        #expect(throws: ScheduleProblem.self) { try ScheduleFiles.render(Self.sample, kind: .systemd, executable: "/usr/bin/swdd") }
    }

    @Test("the policy: strict keys and kinds, with the line")
    func policy() throws {
        let good = "schedules:\n  a:\n    source: /dev/sda1\n    repository: /r\n    every: weekly\n    keep: {daily: 7}\n    options: [--level, \"3\"]\n"
        let parsed = try SchedulePolicy.parse(good, path: "p")
        #expect(parsed.schedules == [Schedule(name: "a", timing: .every(.weekly), source: "/dev/sda1", repository: "/r", options: ["--level", "3"], retention: RetentionPolicy(daily: 7))])
        let cases = [
            ("schedules:\n  a:\n    source: /s\n    repository: /r\n", "policy 'p' line 3: schedule 'a' needs exactly one of 'every', 'calendar' or 'cron'"),
            ("schedules:\n  a:\n    source: /s\n    repository: /r\n    every: daily\n    keep: {daily: many}\n", "policy 'p' line 6: schedule 'a': keep daily must be a whole number"),
            ("schedule:\n  a: {}\n", "policy 'p' line 1: unknown key 'schedule' (expected 'schedules')"),
            ("schedules:\n  a.b: {}\n", "policy 'p' line 2: invalid schedule name 'a.b': \(Schedule.nameRule)"),
        ]
        for (text, message) in cases {
            #expect(throws: ScheduleProblem(message)) { try SchedulePolicy.parse(text, path: "p") }
        }
        #expect(throws: ScheduleProblem("policy 'p' line 3: invalid calendar expression 'x': checked") as ScheduleProblem) {
            try SchedulePolicy.parse("schedules:\n  a:\n    calendar: x\n    source: /s\n    repository: /r\n", path: "p",
                                     calendar: { (text: String) throws(ScheduleProblem) -> String in throw ScheduleProblem("invalid calendar expression '\(text)': checked") })
        }
    }

    @Test("the plan names each field that differs, and nothing when all match")
    func plan() throws {
        let files = try ScheduleFiles.render(Self.sample, kind: .cron, executable: "/usr/bin/swdd")
        let installed = InstalledSchedule(schedule: Self.sample, files: files, executable: "/usr/bin/swdd")
        let same = SchedulePlan.make(desired: [(Self.sample, files, "/usr/bin/swdd")], installed: [installed])
        #expect(same.isEmpty && same.unchanged == ["nightly"])
        var edited = Self.sample
        edited.options = ["--level", "5"]
        edited.retention.weekly = 0
        let plan = SchedulePlan.make(desired: [(edited, try ScheduleFiles.render(edited, kind: .cron, executable: "/usr/bin/swdd"), "/usr/bin/swdd")], installed: [installed])
        #expect(plan.text == "~ change nightly: options --level 3 → --level 5; keep last=2 weekly=4 → last=2\nplan: 0 to add, 1 to change, 0 to remove, 0 unchanged\n")
    }
}
