import ArgumentParser
import SwddBackup

/// The retention rules `prune` applies and `schedule add` passes on to the prune it runs.
struct KeepOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Keep the newest N images.", valueName: "N"))
    var keepLast = 0

    @Option(help: ArgumentHelp("Keep the newest image of each of the last N hours that have one.", valueName: "N"))
    var keepHourly = 0

    @Option(help: ArgumentHelp("… of each of the last N days.", valueName: "N"))
    var keepDaily = 0

    @Option(help: ArgumentHelp("… of each of the last N ISO weeks.", valueName: "N"))
    var keepWeekly = 0

    @Option(help: ArgumentHelp("… of each of the last N months.", valueName: "N"))
    var keepMonthly = 0

    @Option(help: ArgumentHelp("… of each of the last N years.", valueName: "N"))
    var keepYearly = 0

    func validate() throws {
        if [keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly].contains(where: { $0 < 0 }) {
            throw ValidationError("a --keep count cannot be negative")
        }
    }

    var policy: RetentionPolicy {
        RetentionPolicy(last: keepLast, hourly: keepHourly, daily: keepDaily, weekly: keepWeekly, monthly: keepMonthly, yearly: keepYearly)
    }
}
