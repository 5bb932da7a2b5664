import SwddSystem

/// Which images of a chain `swdd prune` keeps, in the style of restic's `forget`: the newest
/// N (`last`), and the newest image of each of the newest N hours, days, weeks, months and
/// years that have one (buckets in local time; weeks are ISO weeks). An image kept by any rule
/// is kept; so is every image a kept image needs to be restored (its parents).
public struct RetentionPolicy: Sendable, Equatable {
    public var last = 0
    public var hourly = 0
    public var daily = 0
    public var weekly = 0
    public var monthly = 0
    public var yearly = 0

    public init(last: Int = 0, hourly: Int = 0, daily: Int = 0, weekly: Int = 0, monthly: Int = 0, yearly: Int = 0) {
        self.last = last
        self.hourly = hourly
        self.daily = daily
        self.weekly = weekly
        self.monthly = monthly
        self.yearly = yearly
    }

    /// Whether any rule keeps anything: a policy that keeps nothing would delete everything.
    public var keepsSomething: Bool { last + hourly + daily + weekly + monthly + yearly > 0 }

    /// Why an image is kept, for `--dry-run` and the listing.
    public enum Reason: String, Sendable {
        case last, hourly, daily, weekly, monthly, yearly
        case parent = "needed by a kept image"
    }

    /// The decision for one chain's images: for each id kept, why.
    public func keep(_ images: [BackupManifest]) -> [String: [Reason]] {
        let newestFirst = images.sorted { $0.order > $1.order }
        var reasons: [String: [Reason]] = [:]
        let rules: [(Reason, Int, (LocalTime) -> [Int])] = [
            (.hourly, hourly, { [$0.year, $0.month, $0.day, $0.hour] }),
            (.daily, daily, { [$0.year, $0.month, $0.day] }),
            (.weekly, weekly, { [$0.isoWeek.year, $0.isoWeek.week] }),
            (.monthly, monthly, { [$0.year, $0.month] }),
            (.yearly, yearly, { [$0.year] }),
        ]
        for (index, image) in newestFirst.enumerated() where index < last {
            reasons[image.idText, default: []].append(.last)
        }
        for (reason, count, bucket) in rules where count > 0 {
            var remaining = count
            var lastBucket: [Int]?
            for image in newestFirst {
                let key = bucket(LocalTime(secondsSinceEpoch: image.created))
                // The newest image of each bucket, until the rule's count is used up.
                if key != lastBucket && remaining > 0 {
                    reasons[image.idText, default: []].append(reason)
                    remaining -= 1
                }
                lastBucket = key
            }
        }
        // A kept image needs its parents, and they theirs.
        let byID = Dictionary(images.map { ($0.idText, $0) }, uniquingKeysWith: { first, _ in first })
        for id in Array(reasons.keys) {
            var parent = byID[id]?.parentText
            while let current = parent, let image = byID[current] {
                if reasons[current]?.contains(.parent) == true { break }
                reasons[current, default: []].append(.parent)
                parent = image.parentText
            }
        }
        return reasons
    }
}
