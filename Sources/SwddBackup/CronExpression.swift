/// The five time fields of a cron line (`minute hour day-of-month month day-of-week`), checked
/// field by field against crontab(5): `*`, `N`, `N-M`, `*/S` and `N-M/S`, comma lists of those,
/// names (`jan`, `mon`) for numbers in the month and weekday fields, as cronie and Vixie cron's
/// parser take them; day of week 0–7, both 0 and 7 being Sunday. The `@daily` shorthands are refused: `--every` says the same.
public struct CronExpression: Sendable, Equatable {
    /// The fields as given, single-spaced.
    public let fields: [String]

    public var text: String { fields.joined(separator: " ") }

    struct Field {
        let name: String
        let range: ClosedRange<Int>
        let names: [String]
    }

    static let layout = [
        Field(name: "minute", range: 0...59, names: []),
        Field(name: "hour", range: 0...23, names: []),
        Field(name: "day of month", range: 1...31, names: []),
        Field(name: "month", range: 1...12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
        Field(name: "day of week", range: 0...7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ]

    public static func parse(_ text: String) throws(ScheduleProblem) -> CronExpression {
        let refusal = { (reason: String) in ScheduleProblem("invalid cron time '\(text)': \(reason)") }
        if text.hasPrefix("@") { throw refusal("the @ shorthands are not taken: use --every hourly|daily|weekly|monthly") }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw refusal("expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        for (field, layout) in zip(fields, layout) {
            if let reason = check(field, layout) { throw refusal("\(layout.name) '\(field)': \(reason)") }
        }
        return CronExpression(fields: fields)
    }

    /// Why `field` is not a valid cron field of `layout`, or nil.
    static func check(_ field: String, _ layout: Field) -> String? {
        for item in field.split(separator: ",", omittingEmptySubsequences: false) {
            if item.isEmpty { return "an empty item in a list" }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return "more than one '/'" }
            let base = parts[0]
            var span = layout.range
            if base == "*" {
                // The whole range.
            } else if let dash = base.firstIndex(of: "-") {
                guard let low = number(base[..<dash], layout), let high = number(base[base.index(after: dash)...], layout) else {
                    return "'\(base)' is no range of numbers\(layout.names.isEmpty ? "" : " or names")"
                }
                guard layout.range.contains(low), layout.range.contains(high) else { return "'\(base)' is outside \(layout.range.lowerBound)-\(layout.range.upperBound)" }
                guard low <= high else { return "'\(base)' runs backwards" }
                span = low...high
            } else if let value = number(base, layout) {
                guard layout.range.contains(value) else { return "\(value) is outside \(layout.range.lowerBound)-\(layout.range.upperBound)" }
                guard parts.count == 1 else { return "a step needs '*' or a range before it" }
                span = value...value
            } else {
                return "'\(base)' is not a number\(layout.names.isEmpty ? "" : " or a name (\(layout.names.first!)…)")"
            }
            if parts.count == 2 {
                guard let step = number(parts[1], nil), step > 0 else { return "step '\(parts[1])' is not a number above 0" }
                guard step <= span.count else { return "step \(step) is longer than \(span.lowerBound)-\(span.upperBound)" }
            }
        }
        return nil
    }

    /// A decimal number of at most 2 digits (every cron field fits), or a name of `layout`'s
    /// (`jan` is 1, `sun` 0); nil for anything else.
    static func number(_ text: Substring, _ layout: Field?) -> Int? {
        if let layout, let index = layout.names.firstIndex(of: text.lowercased()) { return layout.range.lowerBound + index }
        guard (1...2).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
