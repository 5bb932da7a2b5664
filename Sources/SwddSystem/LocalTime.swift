#if canImport(Glibc)
import Glibc
#endif

/// A moment in the local time zone (the `TZ` environment variable, else /etc/localtime), as
/// `localtime_r` breaks it down: what retention buckets (days, weeks, months) are made of.
public struct LocalTime: Sendable, Equatable {
    public var year: Int
    /// 1–12.
    public var month: Int
    /// 1–31.
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// 0 = Sunday.
    public var weekday: Int
    /// 0–365.
    public var dayOfYear: Int
    /// East of UTC.
    public var utcOffsetSeconds: Int

    public init(secondsSinceEpoch: Int64) {
        var t = time_t(secondsSinceEpoch)
        var parts = tm()
        localtime_r(&t, &parts)
        year = Int(parts.tm_year) + 1900
        month = Int(parts.tm_mon) + 1
        day = Int(parts.tm_mday)
        hour = Int(parts.tm_hour)
        minute = Int(parts.tm_min)
        second = Int(parts.tm_sec)
        weekday = Int(parts.tm_wday)
        dayOfYear = Int(parts.tm_yday)
        utcOffsetSeconds = Int(parts.tm_gmtoff)
    }

    /// The moment a local date and time names (`mktime`, which settles daylight saving time).
    public static func secondsSinceEpoch(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        parts.tm_isdst = -1
        return Int64(mktime(&parts))
    }

    /// ISO 8601 week-numbering year and week (weeks start on Monday; week 1 holds the year's
    /// first Thursday), as restic's weekly buckets use.
    public var isoWeek: (year: Int, week: Int) {
        let mondayBased = (weekday + 6) % 7  // 0 = Monday
        let week = (dayOfYear - mondayBased + 10) / 7
        if week < 1 {
            let previous = year - 1
            return (previous, Self.isoWeeks(in: previous))
        }
        if week > Self.isoWeeks(in: year) { return (year + 1, 1) }
        return (year, week)
    }

    /// 52 or 53: a year has 53 ISO weeks when it starts on a Thursday, or on a Wednesday in a leap year.
    static func isoWeeks(in year: Int) -> Int {
        func p(_ y: Int) -> Int { (y + y / 4 - y / 100 + y / 400) % 7 }
        return p(year) == 4 || p(year - 1) == 3 ? 53 : 52
    }

    /// `2026-12-01 18:37:05`.
    public var text: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second))"
    }

    /// `2026-12-01T18:37:05+01:00`.
    public var iso8601: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let offset = abs(utcOffsetSeconds) / 60
        let zone = utcOffsetSeconds == 0 ? "Z" : (utcOffsetSeconds < 0 ? "-" : "+") + two(offset / 60) + ":" + two(offset % 60)
        return text.replacingFirstSpace(with: "T") + zone
    }
}

extension String {
    fileprivate func replacingFirstSpace(with replacement: Character) -> String {
        guard let space = firstIndex(of: " ") else { return self }
        var copy = self
        copy.replaceSubrange(space...space, with: [replacement])
        return copy
    }
}
