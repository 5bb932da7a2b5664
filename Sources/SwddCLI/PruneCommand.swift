import ArgumentParser
import SwddBackup
import SwddEngine
import SwddImage
import SwddSystem

/// `swdd prune REPO --keep-…`: removes the images no retention rule keeps (restic's policy
/// words; buckets in local time), never one that a kept image needs to be restored. Holds the
/// repository alone while it works; removes the newest doomed images first, so that if it is
/// stopped part-way every image still listed can still be restored.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove the images of a repository that a retention policy does not keep.",
        discussion: """
            Rules are applied per chain, newest image first: --keep-last N keeps the newest N; \
            --keep-daily N keeps the newest image of each of the newest N days that have one \
            (likewise hourly, weekly — ISO weeks —, monthly, yearly; all in local time). An image \
            kept by any rule is kept, with every image it inherits blocks from. At least one \
            --keep option is required. Left-overs of interrupted backups are removed too. \
            In object storage, --archive-after AGE then moves the kept images older than AGE \
            to a cold storage class (--archive-class, default GLACIER), but not one that a newer \
            image left in its class inherits blocks from (--archive-needed moves those too); \
            an archived image must be thawed ('swdd repo thaw') before it is restored.
            """)

    @Argument(help: "The repository.")
    var repository: String

    @Option(help: ArgumentHelp("Only this chain.", valueName: "name"))
    var name: String?

    @OptionGroup var keep: KeepOptions

    @OptionGroup var remote: RemoteOptions

    @Option(help: ArgumentHelp("Move kept images older than this (Nd days, Nh hours) to --archive-class (object storage).", valueName: "age"))
    var archiveAfter: String?

    @Option(help: ArgumentHelp("The cold storage class --archive-after moves images to (default: GLACIER).", valueName: "class"))
    var archiveClass: String?

    @Flag(help: "With --archive-after, also archive old images that a newer image left in its class inherits blocks from.")
    var archiveNeeded = false

    @Flag(help: "Say what would be removed; remove nothing.")
    var dryRun = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Option(help: ArgumentHelp("Run as schedule NAME (what 'swdd schedule' units do): one log line on standard error.", valueName: "schedule"))
    var scheduled: String?

    func run() throws {
        let support = ImageCommandSupport.self
        let quiet = self.quiet || scheduled != nil
        let policy = keep.policy
        guard policy.keepsSomething else {
            support.complain("prune needs at least one --keep-last, --keep-hourly, --keep-daily, --keep-weekly, --keep-monthly or --keep-yearly above 0: "
                             + "without one it would remove every image")
            throw ExitCode(2)
        }
        var archiveAge: Int64?
        if let archiveAfter {
            guard let age = Self.age(archiveAfter) else {
                support.complain("invalid --archive-after '\(archiveAfter)': expected an age such as 30d or 12h")
                throw ExitCode(2)
            }
            archiveAge = age
        } else if archiveClass != nil || archiveNeeded {
            support.complain("--archive-class and --archive-needed go with --archive-after")
            throw ExitCode(2)
        }
        let repo = try support.openRepository(repository, remote: remote)
        defer { repo.store.close() }
        let archiving = repo.store as? any ArchivingStore
        if archiveAge != nil && archiving == nil {
            support.complain("--archive-after moves images between storage classes of object storage (s3://, rclone:); '\(repository)' is not there")
            throw ExitCode(2)
        }
        let lock = try support.lock(repo, for: dryRun ? .read : .exclusive)
        defer { lock.release() }
        let manifests = try support.manifests(of: repo)
        if let name, !manifests.contains(where: { $0.chain == name }) {
            support.complain("repository '\(repository)' has no chain '\(name)' (it has: \(support.chainNames(manifests)))")
            throw ExitCode(support.failed)
        }
        var doomed: [BackupManifest] = []
        var out = ""
        for chain in Set(manifests.map(\.chain)).sorted() where name == nil || chain == name {
            let images = manifests.filter { $0.chain == chain }
            let kept = policy.keep(images)
            out += "Chain '\(chain)':\n"
            for image in images.reversed() {
                let when = LocalTime(secondsSinceEpoch: image.created).text
                if let reasons = kept[image.idText] {
                    out += "  \("keep".padded(12)) \(image.shortName) \(image.kind.name.padded(12)) \(when)  (\(reasons.map(\.rawValue).joined(separator: ", ")))\n"
                } else {
                    out += "  \((dryRun ? "would remove" : "remove").padded(12)) \(image.shortName) \(image.kind.name.padded(12)) \(when)\n"
                    doomed.append(image)
                }
            }
        }
        var toArchive: [BackupManifest] = []
        if let archiveAge, let archiving {
            let policy = ArchivePolicy(cutoff: RepositoryClock.now() - archiveAge, storageClass: archiveClass ?? "GLACIER", includingNeeded: archiveNeeded)
            let classes = try StorageClassColumn.classesByID(archiving, repository: repository)
            let doomedIDs = Set(doomed.map(\.idText))
            for chain in Set(manifests.map(\.chain)).sorted() where name == nil || chain == name {
                let kept = manifests.filter { $0.chain == chain && !doomedIDs.contains($0.idText) }
                let choice = policy.choose(kept, classes: classes)
                for image in kept.reversed() {
                    let when = LocalTime(secondsSinceEpoch: image.created).text
                    if choice.archive.contains(image.idText) {
                        out += "  \((dryRun ? "would archive" : "archive").padded(12)) \(image.shortName) \(image.kind.name.padded(12)) \(when)  (to \(policy.storageClass))\n"
                        toArchive.append(image)
                    } else if choice.neededByWarm.contains(image.idText) {
                        out += "  \("keep warm".padded(12)) \(image.shortName) \(image.kind.name.padded(12)) \(when)  (a newer image in its class needs it; --archive-needed archives it anyway)\n"
                    }
                }
            }
        }
        if !quiet { FileDescriptor.standardOutput.writeAll(out) }
        guard !dryRun else { return }
        var freed: Int64 = 0
        do {
            // Newest first: a child goes before the parent it needs.
            for image in doomed.sorted(by: { $0.order > $1.order }) {
                try repo.remove(image)
                freed += image.imageBytes
            }
            for orphan in try repo.orphans(known: try repo.manifests()) {
                try repo.store.remove(orphan)
            }
        } catch {
            support.complain("pruning '\(repository)' stopped part-way (every image still listed can be restored): \(support.reason(error))")
            throw ExitCode(support.failed)
        }
        if let archiving {
            for image in toArchive {
                do {
                    try archiving.archive(repo.imageName(image), to: archiveClass ?? "GLACIER")
                } catch {
                    support.complain("cannot archive image \(image.shortName) of '\(repository)': \(support.reason(error))")
                    throw ExitCode(support.failed)
                }
            }
        }
        if let scheduled {
            support.complain(ScheduledRunLog.prune(schedule: scheduled, chain: name, repository: repository, removed: doomed.count, freed: freed,
                                                   kept: manifests.filter { name == nil || $0.chain == name }.count - doomed.count))
        } else if !quiet {
            support.complain("removed \(doomed.count) image\(doomed.count == 1 ? "" : "s") (\(ProgressLine.binarySize(freed))), "
                             + "kept \(manifests.filter { name == nil || $0.chain == name }.count - doomed.count)")
        }
    }
}

extension PruneCommand {
    /// `30d` or `12h` in seconds; nil for anything else.
    static func age(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["d": 86_400, "h": 3_600]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int64(text.dropLast()), count >= 0 else { return nil }
        return count * unit
    }
}

extension String {
    /// Padded with spaces to `width` characters.
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
