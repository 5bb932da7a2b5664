import ArgumentParser
import SwddBackup
import SwddSystem

/// `swdd repo thaw REPO [--at TIME|ID]`: asks object storage to bring back the archived images
/// a restore point needs (S3's restore from Glacier, through rclone), for `--days`; `swdd repo`
/// then shows each one's progress, and the restore works once they are readable.
struct RepoThawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thaw",
        abstract: "Ask object storage to make the archived images of a restore point readable again.")

    @Argument(help: "The repository (s3:// or rclone:).")
    var repository: String

    @Option(help: ArgumentHelp("The restore point: latest (default), an image id, or a time.", valueName: "time|id"))
    var at: String?

    @Option(help: ArgumentHelp("The chain.", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("How long the thawed copies stay readable, in days.", valueName: "days"))
    var days = 7

    @Option(help: ArgumentHelp("S3's retrieval tier: Standard, Bulk or Expedited.", valueName: "tier"))
    var priority = "Standard"

    @OptionGroup var remote: RemoteOptions

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard (1...3650).contains(days) else { throw ValidationError("--days must be 1 to 3650") }
        guard ["Standard", "Bulk", "Expedited"].contains(priority) else { throw ValidationError("--priority must be Standard, Bulk or Expedited") }
    }

    func run() throws {
        let support = ImageCommandSupport.self
        let repo = try support.openRepository(repository, remote: remote)
        defer { repo.store.close() }
        guard let store = repo.store as? any ArchivingStore else {
            support.complain("'\(repository)' is not in object storage (s3://, rclone:): nothing there is archived")
            throw ExitCode(2)
        }
        let lock = try support.lock(repo, for: .read)
        defer { lock.release() }
        let manifests = try support.manifests(of: repo)
        let chosen = try support.select(at, name: name, in: manifests, repository: repository)
        let chain = StorageClassColumn.chain(of: chosen, among: manifests)
        let column = try StorageClassColumn.read(store, repository: repository, only: Set(chain.map(\.idText)))
        var out = ""
        for image in chain {
            guard column.archived[image.idText] != nil else {
                out += "image \(image.shortName) (\(image.kind.name)): \(column.text[image.idText] ?? "-"), readable\n"
                continue
            }
            do {
                try store.thaw(repo.imageName(image), days: days, priority: priority)
            } catch {
                support.complain("cannot thaw image \(image.shortName) of '\(repository)': \(support.reason(error))")
                throw ExitCode(support.failed)
            }
            out += "image \(image.shortName) (\(image.kind.name)): \(column.text[image.idText] ?? "-"), thaw requested for \(days) day\(days == 1 ? "" : "s") (\(priority))\n"
        }
        if !quiet { FileDescriptor.standardOutput.writeAll(out) }
    }
}
