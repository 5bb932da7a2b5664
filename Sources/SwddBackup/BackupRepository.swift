import SwddImage
import SwddRemote
import Synchronization
import SwddSystem

/// A backup repository, in a directory here or on another machine (`RepositoryStore`):
///
///     REPO/swdd-repository           what this directory is (written once, at creation)
///     REPO/images/ID.img.zst         one image per backup, written as .partial, then renamed
///     REPO/manifests/ID.manifest     written last: the image exists once this is there
///     REPO/locks/ID.lock             leases of the processes using the repository
///
/// Every object is written once and never changed; an image file without a manifest is what
/// an interrupted backup left, is never listed or used as a parent, and is removed by the next
/// backup or prune (both hold locks that no other writer can hold at the same time).
public struct BackupRepository: Sendable {
    public let store: any RepositoryStore
    private let layouts = LayoutCache()
    /// The key its encrypted images are opened with (`--key`, `--encrypt`); nil: plain images only.
    public var key: ImageKey?

    init(store: any RepositoryStore) { self.store = store }

    static let markerName = "swdd-repository"
    static let markerText = "swdd repository 1\n"

    /// The repository as the user named it.
    public var path: String { store.description }
    public var imagesPath: String { path + "/images" }

    /// A problem with the repository itself.
    public struct Problem: Error, Sendable {
        public var message: String
    }

    /// Whether `store` holds a repository (the marker).
    public static func isRepository(_ store: any RepositoryStore) -> Bool {
        (try? store.exists(markerName)) == true
    }

    /// Whether the local directory `path` is a repository.
    public static func isRepository(_ path: String) -> Bool { isRepository(LocalDirectoryStore(path)) }

    /// Opens the repository in `store`.
    public static func open(_ store: any RepositoryStore) throws -> BackupRepository {
        guard let text = try store.read(markerName) else {
            throw Problem(message: "'\(store.description)' is not a swdd repository (no \(markerName) in it)")
        }
        return try opened(store, marker: text)
    }

    private static func opened(_ store: any RepositoryStore, marker: [UInt8]) throws(Problem) -> BackupRepository {
        guard String(decoding: marker, as: UTF8.self) == markerText else {
            throw Problem(message: "'\(store.description)' holds a \(markerName) of a version this swdd does not know")
        }
        return BackupRepository(store: store)
    }

    /// Opens the repository in `store`, creating it if its directory does not exist or is
    /// empty; a directory holding anything else is refused (it is someone's data).
    public static func openOrCreate(_ store: any RepositoryStore) throws -> BackupRepository {
        if let marker = try store.read(markerName) { return try opened(store, marker: marker) }
        if let local = store.localPath, FileSystemPath.exists(local), (try? FileStatus.of(path: local))?.kind != .directory {
            throw Problem(message: "'\(local)' exists and is not a directory")
        }
        if let entries = try store.list(""), !entries.isEmpty {
            throw Problem(message: "'\(store.description)' is a directory that is not empty and not a swdd repository")
        }
        try store.makeDirectory("")
        for directory in ["images", "manifests", "locks"] { try store.makeDirectory(directory) }
        // The marker last: a repository exists once everything it needs does.
        try store.write(Array(markerText.utf8), to: markerName, replacing: false)
        return BackupRepository(store: store)
    }

    /// The image file's name in the store.
    public func imageName(_ manifest: BackupManifest) -> String { "images/" + manifest.imageFileName }

    /// The image file, as messages name it.
    public func imagePath(_ manifest: BackupManifest) -> String { path + "/" + imageName(manifest) }

    func manifestName(id: String) -> String { "manifests/" + id + ".manifest" }

    /// Every image of the repository, oldest first. A manifest that does not check out is a
    /// problem reported with its name, never skipped silently.
    public func manifests() throws -> [BackupManifest] {
        var found: [BackupManifest] = []
        for (name, bytes) in try store.readAll(in: "manifests", suffix: ".manifest") ?? [] {
            do {
                let manifest = try BackupManifest.decode(bytes)
                guard name == manifest.idText + ".manifest" else { throw BackupManifest.Invalid(reason: "it names image \(manifest.idText)") }
                found.append(manifest)
            } catch let invalid as BackupManifest.Invalid {
                throw Problem(message: "manifest '\(path)/manifests/\(name)' cannot be used: \(invalid.reason)")
            }
        }
        return found.sorted { $0.order < $1.order }
    }

    /// Makes an image visible: its manifest, written once (the image file must be complete).
    public func publish(_ manifest: BackupManifest) throws {
        try store.write(manifest.encoded(), to: manifestName(id: manifest.idText), replacing: false)
    }

    /// Removes an image: the manifest first, so that it stops existing at once, then its file,
    /// then the records of its filesystem checks.
    public func remove(_ manifest: BackupManifest) throws {
        try store.remove(manifestName(id: manifest.idText))
        try store.remove(imageName(manifest))
        try removeCheckRecords(of: manifest.idText)
    }

    /// Image files no manifest names: what interrupted backups left (`.partial` files, or a
    /// complete image whose manifest was never written). Only a holder of a lock that excludes
    /// every other writer may remove them. Names in the store.
    public func orphans(known: [BackupManifest]) throws -> [String] {
        let named = Set(known.map(\.imageFileName))
        return (try store.list("images") ?? []).filter { !named.contains($0) }.sorted().map { "images/" + $0 }
    }

    /// Opens an image of the repository and checks its structure. A layout read once is kept
    /// (images are write-once), so a listing or a verify that meets an image in several chains
    /// reads its metadata once — on a remote, a round trip saved each time.
    public func member(_ manifest: BackupManifest) throws -> RestorePoint.Member {
        if let layout = layouts.layout(manifest.idText) {
            let bytes = try store.openImage(imageName(manifest), knownSize: layout.fileSize)
            return RestorePoint.Member(name: manifest.shortName, layout: layout, bytes: bytes)
        }
        guard let local = store.localPath.map({ $0 + "/" + imageName(manifest) }) else { return try openMember(manifest) }
        guard FileSystemPath.exists(local) else { throw missing(manifest) }
        return try openMember(manifest)
    }

    private func openMember(_ manifest: BackupManifest) throws -> RestorePoint.Member {
        let bytes = try store.openImage(imageName(manifest), knownSize: nil)
        do {
            let member = RestorePoint.Member(name: manifest.shortName, layout: try ImageLayout.read(bytes, key: key), bytes: bytes)
            guard member.layout.metadata.imageID == manifest.id else {
                throw ImageFormatError.brokenChain("'\(imagePath(manifest))' is not the image its manifest names")
            }
            layouts.keep(member.layout, for: manifest.idText)
            return member
        } catch let failure as SshSession.Failure where failure.message.hasSuffix("no such file or directory") {
            bytes.release()
            throw missing(manifest)
        } catch {
            bytes.release()
            throw error
        }
    }

    private func missing(_ manifest: BackupManifest) -> ImageFormatError {
        .brokenChain("image \(manifest.shortName) has a manifest but its file '\(imagePath(manifest))' is missing")
    }

    /// The restore point `manifest` names: its image and its parents, newest first, each found
    /// through its manifest, checked as one chain.
    public func restorePoint(_ manifest: BackupManifest, among manifests: [BackupManifest]) throws -> RestorePoint {
        let byID = Dictionary(manifests.map { ($0.idText, $0) }, uniquingKeysWith: { first, _ in first })
        var members: [RestorePoint.Member] = []
        var next: BackupManifest? = manifest
        do {
            while let current = next {
                members.append(try member(current))
                guard let parent = current.parentText else { break }
                guard let found = byID[parent] else {
                    throw ImageFormatError.brokenChain("image \(current.shortName) needs its parent \(String(parent.prefix(12))), which is not in the repository")
                }
                guard members.count <= byID.count else { throw ImageFormatError.brokenChain("the parents of \(manifest.shortName) form a loop") }
                next = found
            }
            return try RestorePoint(chain: members)
        } catch {
            for member in members { member.bytes.release() }
            throw error
        }
    }
}

extension BackupRepository {
    /// The restore point of `manifest`, or why it cannot be restored.
    public func restorePointCost(_ manifest: BackupManifest, among manifests: [BackupManifest]) -> Result<RestorePoint, any Error> {
        Result { try restorePoint(manifest, among: manifests) }
    }
}

extension BackupManifest {
    /// The first 12 hex digits of the id: how listings and messages name an image.
    public var shortName: String { String(idText.prefix(12)) }
}

/// Image layouts already read, by image id.
final class LayoutCache: Sendable {
    private let layouts = Mutex<[String: ImageLayout]>([:])

    func layout(_ id: String) -> ImageLayout? { layouts.withLock { $0[id] } }
    func keep(_ layout: ImageLayout, for id: String) { layouts.withLock { $0[id] = layout } }
}
