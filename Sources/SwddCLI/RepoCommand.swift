import ArgumentParser
import SwddBackup
import SwddDisks
import SwddEngine
import SwddImage
import SwddSystem

/// `swdd repo REPO`: what a repository holds — per chain its source, then every image with its
/// kind, time, size, parent, and what restoring that point costs (the compressed bytes read and
/// the images they come from). Reads manifests and each image's metadata, never its frames.
struct RepoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "List a repository's chains and images, and what each restore point costs to restore.")

    @Argument(help: "The repository.")
    var repository: String

    @Option(help: ArgumentHelp("Only this chain.", valueName: "name"))
    var name: String?

    @OptionGroup var remote: RemoteOptions

    @OptionGroup var keys: KeyOption

    @Flag(help: "Print the listing as JSON.")
    var json = false

    func run() throws {
        let support = ImageCommandSupport.self
        var repo = try support.openRepository(repository, ssh: remote.ssh)
        repo.key = try keys.key()
        defer { repo.store.close() }
        let lock = try support.lock(repo, for: .read)
        defer { lock.release() }
        var manifests = try support.manifests(of: repo)
        if let name {
            manifests = manifests.filter { $0.chain == name }
            if manifests.isEmpty {
                support.complain("repository '\(repository)' has no chain '\(name)'")
                throw ExitCode(support.failed)
            }
        }
        let all = try support.manifests(of: repo)
        // A listing without the records (unreadable fsck/) is still a listing.
        let checks = (try? repo.latestCheckRecords()) ?? [:]
        let costs = manifests.map { repo.restorePointCost($0, among: all) }
        for (manifest, cost) in zip(manifests, costs) {
            // Without its key (or with another) an encrypted chain cannot be listed: a refusal, not damage.
            if case .failure(let error as ImageFormatError) = cost, error.isAboutTheKey {
                support.complain("cannot list image \(manifest.shortName) of '\(repository)': \(error.reason)")
                throw ExitCode(support.failed)
            }
        }
        let rows = zip(manifests, costs).map { Row(manifest: $0, cost: Cost($1), check: checks[$0.idText]) }
        let text = json ? Self.json(repository, rows) : Self.text(rows)
        FileDescriptor.standardOutput.writeAll(text)
        if rows.contains(where: { $0.cost.problem != nil }) { throw ExitCode(support.damaged) }
    }

    struct Cost {
        var bytes: Int64 = 0
        var images = 0
        var problem: String?

        init(_ result: Result<RestorePoint, any Error>) {
            switch result {
            case .success(let point):
                bytes = point.bytesToRead
                images = point.members.count
                point.release()
            case .failure(let error):
                problem = ImageCommandSupport.reason(error)
            }
        }
    }

    struct Row {
        var manifest: BackupManifest
        var cost: Cost
        /// The last `verify --fsck` of this point, if any.
        var check: FilesystemCheckRecord?
    }

    static func text(_ rows: [Row]) -> String {
        var out = ""
        for chain in orderedChains(rows) {
            let images = rows.filter { $0.manifest.chain == chain }
            let newest = images.last!.manifest
            let source = newest.source
            var facts = [ProgressLine.binarySize(newest.sourceSize), "\(newest.sectorSize)-byte sectors"]
            if !source.type.isEmpty { facts.append(source.type) }
            if !source.uuid.isEmpty { facts.append("UUID \(source.uuid)") }
            if !source.label.isEmpty { facts.append("label '\(source.label)'") }
            if !out.isEmpty { out += "\n" }
            out += "Chain '\(chain)': \(source.path), \(facts.joined(separator: ", "))\n"
            var table = TextTable(columns: [
                .init("ID"), .init("Kind"), .init("Created"), .init("Size", rightAligned: true), .init("Changed", rightAligned: true),
                .init("Parent"), .init("Restore"), .init("Last fsck"),
            ])
            for row in images {
                let m = row.manifest
                let restore = row.cost.problem.map { "BROKEN: \($0)" }
                    ?? "\(ProgressLine.binarySize(row.cost.bytes)) from \(row.cost.images) image\(row.cost.images == 1 ? "" : "s")"
                table.append([m.shortName, m.kind.name, LocalTime(secondsSinceEpoch: m.created).text, ProgressLine.binarySize(m.imageBytes),
                              ProgressLine.binarySize(Int64(m.storedBlocks) * Int64(m.blockSize)), m.parentText.map { String($0.prefix(12)) } ?? "-",
                              restore, CheckRecordListing.column(row.check)])
            }
            out += table.render()
        }
        return out.isEmpty ? "No images.\n" : out
    }

    /// Chains in the order of their first image.
    static func orderedChains(_ rows: [Row]) -> [String] {
        var seen: [String] = []
        for row in rows where !seen.contains(row.manifest.chain) { seen.append(row.manifest.chain) }
        return seen
    }

    static func json(_ repository: String, _ rows: [Row]) -> String {
        let images = rows.map { row -> String in
            let m = row.manifest
            var fields = [
                "\"id\": \"\(m.idText)\"", "\"chain\": \(m.chain.jsonQuoted)", "\"kind\": \"\(m.kind.name)\"",
                "\"parent\": \(m.parentText.map { "\"\($0)\"" } ?? "null")", "\"created\": \(m.created)",
                "\"created_local\": \"\(LocalTime(secondsSinceEpoch: m.created).iso8601)\"",
                "\"source\": {\"path\": \(m.source.path.jsonQuoted), \"type\": \(m.source.type.jsonQuoted), \"uuid\": \(m.source.uuid.jsonQuoted), "
                    + "\"label\": \(m.source.label.jsonQuoted), \"size\": \(m.sourceSize), \"sector_size\": \(m.sectorSize)}",
                "\"image_bytes\": \(m.imageBytes)", "\"block_size\": \(m.blockSize)", "\"changed_blocks\": \(m.storedBlocks)",
                "\"inherited_blocks\": \(m.inheritedBlocks)", "\"zero_blocks\": \(m.zeroBlocks)",
            ]
            if let problem = row.cost.problem {
                fields.append("\"restorable\": false, \"problem\": \(problem.jsonQuoted)")
            } else {
                fields.append("\"restorable\": true, \"restore_bytes\": \(row.cost.bytes), \"restore_images\": \(row.cost.images)")
            }
            fields.append("\"fsck\": " + CheckRecordListing.json(row.check))
            return "    {" + fields.joined(separator: ", ") + "}"
        }
        return "{\"repository\": \(repository.jsonQuoted), \"images\": [\n" + images.joined(separator: ",\n") + (images.isEmpty ? "" : "\n") + "]}\n"
    }
}
