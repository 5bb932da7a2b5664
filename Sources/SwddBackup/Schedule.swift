/// One scheduled backup, as `schedule add` and a policy file describe it and as an installed
/// unit's header records it: when it runs, what it backs up where, the backup options, and the
/// retention its prune applies afterwards. Its images go to chain `chain` — the backup's
/// `--name`, else the schedule's own name — so that its prune touches its own chain only.
public struct Schedule: Sendable, Equatable {
    public var name: String
    public var timing: ScheduleTiming
    public var source: String
    public var repository: String
    public var chain: String
    /// `swdd backup`'s options other than SOURCE, REPO and `--name`, as arguments.
    public var options: [String]
    /// Nothing kept means no prune.
    public var retention: RetentionPolicy

    public init(name: String, timing: ScheduleTiming, source: String, repository: String, chain: String? = nil,
                options: [String] = [], retention: RetentionPolicy = RetentionPolicy()) {
        self.name = name
        self.timing = timing
        self.source = source
        self.repository = repository
        self.chain = chain ?? name
        self.options = options
        self.retention = retention
    }

    /// A name that is a unit name, a cron.d file name (run-parts skips names with a dot) and a
    /// chain name alike: 1 to 64 ASCII letters, digits, `_` or `-`, starting with a letter or digit.
    public static func isValidName(_ name: String) -> Bool {
        guard (1...64).contains(name.count), let first = name.first, first.isASCII, first.isLetter || first.isNumber else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    public static let nameRule = "1 to 64 letters, digits, '_' or '-', starting with a letter or digit"

    /// The backup's arguments after `swdd backup` (what `BackupCommand` parses): SOURCE and
    /// REPO after `--`, and the chain as `--name=CHAIN`, so that a value starting with `-` is
    /// never taken for an option.
    public var backupArguments: [String] {
        ["--name=\(chain)"] + options + ["--", source, repository]
    }

    /// The scheduled backup's command line: `swdd backup --scheduled NAME …`.
    public func backupCommand(executable: String) -> [String] {
        [executable, "backup", "--scheduled", name] + backupArguments
    }

    /// The prune that follows a backup that succeeded, when the schedule keeps something.
    public func pruneCommand(executable: String) -> [String]? {
        guard retention.keepsSomething else { return nil }
        return [executable, "prune", "--scheduled", name, "--name=\(chain)"] + Self.keepArguments(retention) + ["--", repository]
    }

    /// Every argument the schedule's commands carry that the user chose (the rest are swdd's own).
    public var userArguments: [String] { [source, repository, chain] + options }

    /// The retention rules by their words, in `--keep-…` order.
    public static let retentionWords = ["last", "hourly", "daily", "weekly", "monthly", "yearly"]

    static func count(_ word: String, in policy: RetentionPolicy) -> Int {
        switch word {
        case "last": policy.last
        case "hourly": policy.hourly
        case "daily": policy.daily
        case "weekly": policy.weekly
        case "monthly": policy.monthly
        case "yearly": policy.yearly
        default: 0
        }
    }

    /// Sets one rule by its word (`daily`), as `--keep-daily` and a policy's `keep:` do; false
    /// for a word that names no rule.
    public static func setRetention(_ policy: inout RetentionPolicy, word: String, count: Int) -> Bool {
        switch word {
        case "last": policy.last = count
        case "hourly": policy.hourly = count
        case "daily": policy.daily = count
        case "weekly": policy.weekly = count
        case "monthly": policy.monthly = count
        case "yearly": policy.yearly = count
        default: return false
        }
        return true
    }

    static func keepArguments(_ retention: RetentionPolicy) -> [String] {
        retentionWords.filter { count($0, in: retention) > 0 }.flatMap { ["--keep-\($0)", String(count($0, in: retention))] }
    }

    /// `last=3 daily=7`, or `none`.
    public static func retentionText(_ retention: RetentionPolicy) -> String {
        let words = retentionWords.filter { count($0, in: retention) > 0 }.map { "\($0)=\(count($0, in: retention))" }
        return words.isEmpty ? "none" : words.joined(separator: " ")
    }

    /// Reads `retentionText` back; nil when it is not in that form.
    public static func retention(from text: String) -> RetentionPolicy? {
        var policy = RetentionPolicy()
        guard text != "none" else { return policy }
        for word in text.split(separator: " ") {
            let parts = word.split(separator: "=")
            guard parts.count == 2, let count = Int(parts[1]), count > 0, setRetention(&policy, word: String(parts[0]), count: count) else { return nil }
        }
        return policy
    }
}
