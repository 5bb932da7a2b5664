import ArgumentParser
import SwddBackup
import SwddEngine
import SwddImage
import SwddSystem

/// `swdd verify REPO`: every image of every chain checked whole (structure, every frame, every
/// block it stores), then every restore point's chain (parents present, links and inherited
/// digests agreeing). Says which image is broken and which restore points it takes down.
/// Exit 0 when all is intact, 4 when anything is damaged or missing.
struct RepositoryVerification {
    var path: String
    var remote: RemoteOptions
    var name: String?
    var threads: Int
    var quiet: Bool
    var json: Bool
    /// `--key`: an encrypted chain's key file.
    var key: ImageKey?

    struct Finding {
        var manifest: BackupManifest
        /// The image itself: nil when intact.
        var damage: String?
        /// The restore point (the image and its parents): nil when restorable.
        var pointProblem: String?
        /// Why it was not checked: archived images (in a cold storage class, not thawed) it needs.
        var archived: [String] = []
    }

    func run() throws {
        let support = ImageCommandSupport.self
        let start = MonotonicClock.now()
        var repository = try support.openRepository(path, remote: remote)
        repository.key = key
        defer { repository.store.close() }
        let lock = try support.lock(repository, for: .read)
        defer { lock.release() }
        let all = try support.manifests(of: repository)
        let manifests = all.filter { name == nil || $0.chain == name }
        if let name, manifests.isEmpty {
            support.complain("repository '\(path)' has no chain '\(name)' (it has: \(support.chainNames(all)))")
            throw ExitCode(support.failed)
        }
        let line = StatusLine(enabled: !quiet && !json && FileDescriptor.standardError.isTerminal)
        support.onSignal { line.finish() }
        let counters = TransferCounters()
        let progress = support.startProgress(line, counters: counters, total: nil, quiet: quiet || json)
        var findings: [Finding] = []
        var damaged: [String: String] = [:]
        // Archived images cannot be read until thawed: they, and the points that need them, are
        // left unchecked and said so (not damage).
        let archived = try (repository.store as? any ArchivingStore).map { try StorageClassColumn.read($0, repository: path).archived } ?? [:]
        for manifest in all {
            let frozen = StorageClassColumn.archivedImages(of: manifest, among: all, archived: archived)
            if !frozen.isEmpty {
                findings.append(Finding(manifest: manifest, damage: nil, archived: frozen))
                continue
            }
            var damage: String?
            do {
                let member = try repository.member(manifest)
                defer { member.bytes.release() }
                try ImageRestorer.verify(member, threads: threads, counters: counters)
            } catch let error as ImageFormatError where error.isAboutTheKey {
                // Not damage: without its key nothing of the image can be checked.
                progress?.stop()
                line.finish()
                support.complain("cannot verify image \(manifest.shortName) of '\(path)': \(error.reason)")
                throw ExitCode(support.failed)
            } catch {
                damage = support.reason(error)
            }
            if let damage { damaged[manifest.idText] = damage }
            findings.append(Finding(manifest: manifest, damage: damage))
        }
        for index in findings.indices where findings[index].archived.isEmpty {
            findings[index].pointProblem = pointProblem(findings[index].manifest, all: all, damaged: damaged, repository: repository)
        }
        progress?.stop()
        line.finish()
        findings = findings.filter { name == nil || $0.manifest.chain == name }
        let orphans = (try? repository.orphans(known: all)) ?? []
        if json {
            FileDescriptor.standardOutput.writeAll(Self.json(path, findings, orphans: orphans))
        } else {
            report(findings, orphans: orphans, nanoseconds: MonotonicClock.now() - start)
        }
        if findings.contains(where: { $0.damage != nil || $0.pointProblem != nil }) { throw ExitCode(support.damaged) }
    }

    /// Why the restore point of `manifest` cannot be restored: a damaged image in its chain, a
    /// missing parent, or links that do not agree; nil when it can.
    private func pointProblem(_ manifest: BackupManifest, all: [BackupManifest], damaged: [String: String], repository: BackupRepository) -> String? {
        let byID = Dictionary(all.map { ($0.idText, $0) }, uniquingKeysWith: { first, _ in first })
        var current: BackupManifest? = manifest
        var steps = 0
        while let image = current, steps <= all.count {
            if damaged[image.idText] != nil {
                return image.idText == manifest.idText ? "the image is damaged" : "it needs \(image.shortName), which is damaged"
            }
            guard let parent = image.parentText else { break }
            guard let found = byID[parent] else { return "it needs \(String(parent.prefix(12))), which is not in the repository" }
            current = found
            steps += 1
        }
        switch repository.restorePointCost(manifest, among: all) {
        case .success(let point):
            point.release()
            return nil
        case .failure(let error):
            return ImageCommandSupport.reason(error)
        }
    }

    private func report(_ findings: [Finding], orphans: [String], nanoseconds: UInt64) {
        let support = ImageCommandSupport.self
        var broken: [Finding] = []
        for finding in findings {
            let m = finding.manifest
            let label = "\(m.shortName) (\(m.kind.name), \(LocalTime(secondsSinceEpoch: m.created).text), chain '\(m.chain)')"
            if let damage = finding.damage {
                support.complain("image \(label) is damaged: \(damage)")
            }
            if finding.pointProblem != nil { broken.append(finding) }
        }
        for finding in broken where finding.damage == nil {
            let m = finding.manifest
            support.complain("restore point \(m.shortName) (\(LocalTime(secondsSinceEpoch: m.created).text)) cannot be restored: \(finding.pointProblem!)")
        }
        for finding in findings where !finding.archived.isEmpty {
            let m = finding.manifest
            support.complain("note: restore point \(m.shortName) (\(LocalTime(secondsSinceEpoch: m.created).text)) not checked: it needs archived image"
                             + "\(finding.archived.count == 1 ? "" : "s") \(finding.archived.joined(separator: ", ")) (thaw with 'swdd repo thaw \(path) --at \(m.shortName)')")
        }
        for orphan in orphans {
            support.complain("note: '\(path)/\(orphan)' is left over from an interrupted backup (the next backup or prune removes it)")
        }
        guard !quiet else { return }
        let checked = findings.filter(\.archived.isEmpty)
        let unchecked = findings.count - checked.count
        let bytes = checked.reduce(Int64(0)) { $0 + $1.manifest.imageBytes }
        if broken.isEmpty && unchecked > 0 {
            support.complain("'\(path)': \(checked.count) image\(checked.count == 1 ? "" : "s") intact and restorable, \(unchecked) not checked (archived), in "
                             + support.timeAndRate(bytes: bytes, nanoseconds: nanoseconds))
        } else if broken.isEmpty {
            support.complain("'\(path)' is intact: \(findings.count) image\(findings.count == 1 ? "" : "s") in \(Set(findings.map(\.manifest.chain)).count) "
                             + "chain\(Set(findings.map(\.manifest.chain)).count == 1 ? "" : "s"), every frame and block checked, every restore point restorable, in "
                             + support.timeAndRate(bytes: bytes, nanoseconds: nanoseconds))
        } else {
            support.complain("'\(path)': \(broken.count) of \(findings.count) restore points cannot be restored: "
                             + broken.map(\.manifest.shortName).joined(separator: ", "))
        }
    }

    static func json(_ path: String, _ findings: [Finding], orphans: [String]) -> String {
        let images = findings.map { f -> String in
            let m = f.manifest
            return "    {\"id\": \"\(m.idText)\", \"chain\": \(m.chain.jsonQuoted), \"kind\": \"\(m.kind.name)\", \"created\": \(m.created), "
                + (f.archived.isEmpty ? "\"intact\": \(f.damage == nil), \"restorable\": \(f.pointProblem == nil)"
                                      : "\"checked\": false, \"needs_thaw\": [\(f.archived.map(\.jsonQuoted).joined(separator: ", "))]")
                + (f.damage.map { ", \"damage\": \($0.jsonQuoted)" } ?? "") + (f.pointProblem.map { ", \"problem\": \($0.jsonQuoted)" } ?? "") + "}"
        }
        let intact = findings.allSatisfy { $0.damage == nil && $0.pointProblem == nil }
        return "{\"repository\": \(path.jsonQuoted), \"intact\": \(intact), \"images\": [\n" + images.joined(separator: ",\n")
            + (images.isEmpty ? "" : "\n") + "], \"leftovers\": [" + orphans.map(\.jsonQuoted).joined(separator: ", ") + "]}\n"
    }
}
