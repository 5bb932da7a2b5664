import SwddBackup
import SwddEngine

/// What a scheduled run (`backup --scheduled NAME`, `prune --scheduled NAME`, as the units
/// `swdd schedule` writes run them) logs instead of progress and summaries: one line per image
/// or prune on standard error, which the journal or cron's mail keeps, each naming the schedule.
/// Failures are the commands' usual one-line errors, with their exit statuses (5 when the
/// previous run, or any other backup or prune, still holds the repository).
enum ScheduledRunLog {
    /// `schedule nightly: incremental image 3f2a1b2c of '/dev/sda1' into '/srv/r' (chain 'nightly', on 1a2b3c4d): …`
    static func backup(schedule: String, result: BackupResult, source: String, repository: String) -> String {
        let m = result.manifest, s = result.summary
        let parent = result.parent.map { ", on \($0.shortName)" } ?? ""
        return "schedule \(schedule): \(m.kind.name) image \(m.shortName) of '\(source)' into '\(repository)' (chain '\(m.chain)'\(parent)): "
            + "\(ProgressLine.binarySize(Int64(s.dataBlocks) * Int64(s.blockSize))) changed, \(ProgressLine.binarySize(s.bytesStored)) stored, "
            + "in \(ImageCommandSupport.timeAndRate(bytes: s.sourceSize, nanoseconds: s.elapsedNanoseconds))"
            + (result.orphansRemoved.isEmpty ? "" : "; removed \(result.orphansRemoved.count) left-over file(s) of an interrupted run")
    }

    /// `schedule nightly: pruned chain 'nightly' of '/srv/r': removed 2 images (80 MiB), kept 7`
    static func prune(schedule: String, chain: String?, repository: String, removed: Int, freed: Int64, kept: Int) -> String {
        "schedule \(schedule): pruned \(chain.map { "chain '\($0)'" } ?? "every chain") of '\(repository)': "
            + "removed \(removed) image\(removed == 1 ? "" : "s") (\(ProgressLine.binarySize(freed))), kept \(kept)"
    }
}
