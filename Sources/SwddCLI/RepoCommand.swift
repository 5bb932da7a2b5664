import ArgumentParser
import SwddBackup
import SwddDisks
import SwddEngine
import SwddImage
import SwddSystem

/// `swdd repo`: a repository's listing (the default, `swdd repo REPO`) and `swdd repo thaw`.
struct RepoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "List a repository's chains and images (swdd repo REPO), or thaw archived ones (swdd repo thaw REPO).",
        subcommands: [RepoListCommand.self, RepoThawCommand.self],
        defaultSubcommand: RepoListCommand.self)
}

/// `swdd repo REPO`: what a repository holds — per chain its source, then every image with its
/// kind, time, size, parent, and what restoring that point costs (the compressed bytes read and
/// the images they come from). Reads manifests and each image's metadata, never its frames.
struct RepoListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
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
        var repo = try support.openRepository(repository, remote: remote)
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
        let classes = try (repo.store as? any ArchivingStore).map { try StorageClassColumn.read($0, repository: repository) }
        let costs = manifests.map { manifest in
            let frozen = classes.map { StorageClassColumn.archivedImages(of: manifest, among: all, archived: $0.archived) } ?? []
            return frozen.isEmpty ? Cost(repo.restorePointCost(manifest, among: all)) : Cost(thawing: frozen)
        }
        for (manifest, cost) in zip(manifests, costs) {
            // Without its key (or with another) an encrypted chain cannot be listed: a refusal, not damage.
            if let error = cost.keyProblem {
                support.complain("cannot list image \(manifest.shortName) of '\(repository)': \(error.reason)")
                throw ExitCode(support.failed)
            }
        }
        let rows = zip(manifests, costs).map { Row(manifest: $0, cost: $1, check: checks[$0.idText], storageClass: classes?.text[$0.idText]) }
        let text = json ? Self.json(repository, rows) : Self.text(rows)
        FileDescriptor.standardOutput.writeAll(text)
        if rows.contains(where: { $0.cost.problem != nil }) { throw ExitCode(support.damaged) }
    }

    struct Cost {
        var bytes: Int64 = 0
        var images = 0
        var problem: String?
        /// The archived images (short names) this point needs thawed before it can be read.
        var needsThaw: [String] = []
        /// The point is encrypted and the key given (or none) does not open it.
        var keyProblem: ImageFormatError?
        /// How the point's newest image is encrypted (its header's cipher and key id), if it is.
        var encryption: ImageEncryption?

        init(thawing images: [String]) { needsThaw = images }

        init(_ result: Result<RestorePoint, any Error>) {
            switch result {
            case .success(let point):
                bytes = point.bytesToRead
                images = point.members.count
                encryption = point.members[0].layout.header.encryption
                point.release()
            case .failure(let error):
                problem = ImageCommandSupport.reason(error)
                if let error = error as? ImageFormatError, error.isAboutTheKey { keyProblem = error }
            }
        }
    }

    struct Row {
        var manifest: BackupManifest
        var cost: Cost
        /// The last `verify --fsck` of this point, if any.
        var check: FilesystemCheckRecord?
        /// In object storage: the image's class, and whether it is archived or thawed.
        var storageClass: String?
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
            if let encryption = images.last!.cost.encryption { facts.append("encrypted (\(encryption.cipher.name), key id \(encryption.keyIDText))") }
            if !out.isEmpty { out += "\n" }
            out += "Chain '\(chain)': \(source.path), \(facts.joined(separator: ", "))\n"
            var table = TextTable(columns: [
                .init("ID"), .init("Kind"), .init("Created"), .init("Size", rightAligned: true), .init("Changed", rightAligned: true),
                .init("Parent"), .init("Restore"), .init("Last fsck"),
            ] + (images.contains { $0.storageClass != nil } ? [.init("Class")] : []))
            for row in images {
                let m = row.manifest
                let restore = row.cost.problem.map { "BROKEN: \($0)" }
                    ?? (row.cost.needsThaw.isEmpty ? nil : "thaw \(row.cost.needsThaw.joined(separator: ", ")) first")
                    ?? "\(ProgressLine.binarySize(row.cost.bytes)) from \(row.cost.images) image\(row.cost.images == 1 ? "" : "s")"
                table.append([m.shortName, m.kind.name, LocalTime(secondsSinceEpoch: m.created).text, ProgressLine.binarySize(m.imageBytes),
                              ProgressLine.binarySize(Int64(m.storedBlocks) * Int64(m.blockSize)), m.parentText.map { String($0.prefix(12)) } ?? "-",
                              restore, CheckRecordListing.column(row.check)] + (row.storageClass.map { [$0] } ?? []))
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
            if let storageClass = row.storageClass { fields.append("\"storage_class\": \(storageClass.jsonQuoted)") }
            fields.append("\"encryption\": " + (row.cost.encryption.map {
                "{\"cipher\": \($0.cipher.name.jsonQuoted), \"key_id\": \"\($0.keyIDText)\"}"
            } ?? "null"))
            if let problem = row.cost.problem {
                fields.append("\"restorable\": false, \"problem\": \(problem.jsonQuoted)")
            } else if !row.cost.needsThaw.isEmpty {
                fields.append("\"restorable\": false, \"needs_thaw\": [\(row.cost.needsThaw.map(\.jsonQuoted).joined(separator: ", "))]")
            } else {
                fields.append("\"restorable\": true, \"restore_bytes\": \(row.cost.bytes), \"restore_images\": \(row.cost.images)")
            }
            fields.append("\"fsck\": " + CheckRecordListing.json(row.check))
            return "    {" + fields.joined(separator: ", ") + "}"
        }
        return "{\"repository\": \(repository.jsonQuoted), \"images\": [\n" + images.joined(separator: ",\n") + (images.isEmpty ? "" : "\n") + "]}\n"
    }
}
