import SwddSystem

/// `--at TIME|ID`: which restore point of a repository a command means — `latest`, an image id
/// (or the start of one, as listings print it), or a time (ISO 8601: `2026-12-01`,
/// `2026-12-01T18:30`, `2026-12-01 18:30:05`, with `Z` or `+01:00`, else local time), which
/// picks the newest image made at or before it.
public enum PointInTime: Sendable, Equatable {
    case latest
    case id(String)
    case time(Int64)

    public static func parse(_ text: String) -> PointInTime? {
        if text == "latest" { return .latest }
        if let seconds = parseTime(text) { return .time(seconds) }
        let lower = text.lowercased()
        if lower.count >= 4, lower.count <= 32, lower.allSatisfy({ $0.isHexDigit }) { return .id(lower) }
        return nil
    }

    /// The image of `images` this names; `nil` when there is none.
    public func select(from images: [BackupManifest]) throws(BackupRepository.Problem) -> BackupManifest? {
        switch self {
        case .latest:
            return images.max { $0.order < $1.order }
        case .id(let prefix):
            let matches = images.filter { $0.idText.hasPrefix(prefix) }
            if matches.count > 1 { throw BackupRepository.Problem(message: "'\(prefix)' names \(matches.count) images; give more of the id") }
            return matches.first
        case .time(let seconds):
            return images.filter { $0.created <= seconds }.max { $0.order < $1.order }
        }
    }

    /// Seconds since the epoch for an ISO 8601 date or date and time; nil if `text` is not one.
    static func parseTime(_ text: String) -> Int64? {
        var rest = Substring(text)
        func number(_ digits: Int) -> Int? {
            guard rest.count >= digits, rest.prefix(digits).allSatisfy(\.isASCII), let value = Int(rest.prefix(digits)) else { return nil }
            rest = rest.dropFirst(digits)
            return value
        }
        func take(_ character: Character) -> Bool {
            guard rest.first == character else { return false }
            rest = rest.dropFirst()
            return true
        }
        guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0
        if take("T") || take(" ") {
            guard let h = number(2), take(":"), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            if take(":") {
                guard let s = number(2), s < 61 else { return nil }
                second = s
            }
        }
        if rest.isEmpty { return LocalTime.secondsSinceEpoch(year: year, month: month, day: day, hour: hour, minute: minute, second: second) }
        var offset = 0
        if take("Z") {
            offset = 0
        } else if let sign = rest.first, sign == "+" || sign == "-" {
            rest = rest.dropFirst()
            guard let h = number(2) else { return nil }
            _ = take(":")
            guard let m = number(2) else { return nil }
            offset = (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)
        } else {
            return nil
        }
        guard rest.isEmpty else { return nil }
        return utcSeconds(year: year, month: month, day: day) + Int64(hour * 3600 + minute * 60 + second - offset)
    }

    /// Days from the civil date to 1970-01-01, in seconds (Howard Hinnant's algorithm).
    static func utcSeconds(year: Int, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146_097 + dayOfEra - 719_468) * 86_400
    }
}

/// "Now" for backups and prune: the wall clock, or `SWDD_NOW` (seconds since the epoch, or an
/// ISO 8601 time) so that tests can make a week of backups in a second.
public enum RepositoryClock {
    public static func now() -> Int64 {
        if let text = ProcessEnvironment.value(of: "SWDD_NOW") {
            if let seconds = Int64(text) { return seconds }
            if let seconds = PointInTime.parseTime(text) { return seconds }
        }
        return WallClock.secondsSinceEpoch()
    }
}
