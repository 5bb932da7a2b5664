import ArgumentParser
import SwddBackup

/// What `swdd repo` says of each image's storage class in object storage: the class, and for a
/// cold class whether the image is archived, being thawed, or thawed (each object read for one
/// byte: the store's answer, not a guess).
struct StorageClassColumn {
    /// By image id.
    var text: [String: String] = [:]
    /// Images not wholly readable now, by id: their short names.
    var archived: [String: String] = [:]

    /// Every image's (or with `only`, those images').
    static func read(_ store: any ArchivingStore, repository: String, only: Set<String>? = nil) throws -> StorageClassColumn {
        var column = StorageClassColumn()
        for (id, storageClass) in try classesByID(store, repository: repository) where only?.contains(id) ?? true {
            guard ColdStorage.needsThaw(storageClass) || storageClass == "mixed" else {
                column.text[id] = storageClass.isEmpty ? "-" : storageClass
                continue
            }
            let (readable, total) = try readable(store, image: "images/\(id).img.zst", repository: repository)
            column.text[id] = storageClass + (readable == total ? " (thawed)" : readable == 0 ? " (archived)" : " (thawing: \(readable) of \(total) objects readable)")
            if readable < total { column.archived[id] = String(id.prefix(12)) }
        }
        return column
    }

    /// Each image's storage class, by image id, or the reason and exit 1.
    static func classesByID(_ store: any ArchivingStore, repository: String) throws -> [String: String] {
        do {
            return Dictionary(try store.storageClasses().map { (String($0.key.dropFirst("images/".count).dropLast(".img.zst".count)), $0.value) },
                              uniquingKeysWith: { first, _ in first })
        } catch {
            ImageCommandSupport.complain("cannot read the storage classes of '\(repository)': \(ImageCommandSupport.reason(error))")
            throw ExitCode(ImageCommandSupport.failed)
        }
    }

    private static func readable(_ store: any ArchivingStore, image: String, repository: String) throws -> (Int, Int) {
        do {
            return try store.readableObjects(image)
        } catch {
            ImageCommandSupport.complain("cannot read '\(repository)': \(ImageCommandSupport.reason(error))")
            throw ExitCode(ImageCommandSupport.failed)
        }
    }

    /// The archived images (short names) restoring `manifest` needs: it and its parents.
    static func archivedImages(of manifest: BackupManifest, among all: [BackupManifest], archived: [String: String]) -> [String] {
        chain(of: manifest, among: all).compactMap { archived[$0.idText] }
    }

    /// `manifest` and the images it inherits blocks from, newest first.
    static func chain(of manifest: BackupManifest, among all: [BackupManifest]) -> [BackupManifest] {
        var found: [BackupManifest] = []
        var next: BackupManifest? = manifest
        var seen = Set<String>()
        while let image = next, seen.insert(image.idText).inserted {
            found.append(image)
            next = image.parentText.flatMap { id in all.first { $0.idText == id } }
        }
        return found
    }

    /// Says which archived images restoring `chosen` needs thawed, and exits 1, when there are
    /// any (before anything tries to read them and fails with the store's own words).
    static func requireThawed(_ chosen: BackupManifest, among all: [BackupManifest], in repository: BackupRepository,
                              location: String, purpose: String) throws {
        guard let store = repository.store as? any ArchivingStore else { return }
        let ids = Set(chain(of: chosen, among: all).map(\.idText))
        let column = try read(store, repository: location, only: ids)
        let frozen = archivedImages(of: chosen, among: all, archived: column.archived)
        guard !frozen.isEmpty else { return }
        ImageCommandSupport.complain("cannot \(purpose) \(chosen.kind.name) image \(chosen.shortName) of '\(location)': "
                                     + "archived image\(frozen.count == 1 ? "" : "s") \(frozen.joined(separator: ", ")) must be thawed first: "
                                     + "run 'swdd repo thaw \(location) --at \(chosen.shortName)', then \(purpose) again once 'swdd repo' shows "
                                     + "\(frozen.count == 1 ? "it" : "them") thawed (S3 Glacier takes minutes to hours)")
        throw ExitCode(ImageCommandSupport.failed)
    }
}
