/// When a schedule runs: one of systemd's named periods (which cron spells out as fields), a
/// systemd calendar expression (`OnCalendar=`, checked by `systemd-analyze calendar`), or
/// five cron fields (cron.d only).
public enum ScheduleTiming: Sendable, Equatable {
    case every(Period)
    case calendar(String)
    case cron(CronExpression)

    /// systemd's meanings (systemd.time(7)), which the cron fields below repeat: hourly at
    /// minute 0, daily at midnight, weekly on Monday, monthly on the 1st.
    public enum Period: String, Sendable, CaseIterable {
        case hourly, daily, weekly, monthly

        var cronFields: String {
            switch self {
            case .hourly: "0 * * * *"
            case .daily: "0 0 * * *"
            case .weekly: "0 0 * * 1"
            case .monthly: "0 0 1 * *"
            }
        }
    }

    /// As the header of an installed schedule and `schedule list` show it, and as `parse` reads
    /// it back: `daily`, `calendar Mon *-*-* 02:00:00`, `cron 30 2 * * *`.
    public var text: String {
        switch self {
        case .every(let period): period.rawValue
        case .calendar(let expression): "calendar " + expression
        case .cron(let expression): "cron " + expression.text
        }
    }

    /// Reads `text` back (from a unit's header). A calendar expression is taken as written there:
    /// it was checked when it was installed.
    public static func parse(_ text: String) throws(ScheduleProblem) -> ScheduleTiming {
        if let period = Period(rawValue: text) { return .every(period) }
        if text.hasPrefix("calendar ") { return .calendar(String(text.dropFirst("calendar ".count))) }
        if text.hasPrefix("cron ") { return .cron(try CronExpression.parse(String(text.dropFirst("cron ".count)))) }
        throw ScheduleProblem("unknown schedule time '\(text)'")
    }

    /// The `OnCalendar=` value, or nil for cron fields (systemd's calendar syntax is another).
    public var onCalendar: String? {
        switch self {
        case .every(let period): period.rawValue
        case .calendar(let expression): expression
        case .cron: nil
        }
    }

    /// The five fields of a cron.d line, or nil for a calendar expression (cron has no such syntax).
    public var cronFields: String? {
        switch self {
        case .every(let period): period.cronFields
        case .calendar: nil
        case .cron(let expression): expression.text
        }
    }
}
