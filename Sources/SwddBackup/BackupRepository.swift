import SwddImage
import SwddSystem

/// A backup repository in a directory:
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
    public let path: String

    static let markerName = "swdd-repository"
    static let markerText = "swdd repository 1\n"

    public var imagesPath: String { path + "/images" }
    var manifestsPath: String { path + "/manifests" }
    var locksPath: String { path + "/locks" }

    /// A problem with the repository itself.
    public struct Problem: Error, Sendable {
        public var message: String
    }

    /// Whether `path` is a repository (a directory holding the marker).
    public static func isRepository(_ path: String) -> Bool {
        FileSystemPath.exists(path + "/" + markerName)
    }

    /// Opens the repository at `path`.
    public static func open(_ path: String) throws(Problem) -> BackupRepository {
        let marker = path + "/" + markerName
        guard let file = try? FileDescriptor.open(marker, flags: [.readOnly, .closeOnExec]) else {
            throw Problem(message: "'\(path)' is not a swdd repository (no \(markerName) in it)")
        }
        defer { try? file.close() }
        let text = (try? ImageLayout.readAll(file, count: 256)) ?? []
        guard String(decoding: text, as: UTF8.self) == markerText else {
            throw Problem(message: "'\(path)' holds a \(markerName) of a version this swdd does not know")
        }
        return BackupRepository(path: path)
    }

    /// Opens the repository at `path`, creating it if `path` does not exist or is an empty
    /// directory; a directory holding anything else is refused (it is someone's data).
    public static func openOrCreate(_ path: String) throws -> BackupRepository {
        if isRepository(path) { return try open(path) }
        if FileSystemPath.exists(path) {
            guard (try? FileStatus.of(path: path))?.kind == .directory else { throw Problem(message: "'\(path)' exists and is not a directory") }
            guard try FileSystemPath.entries(of: path).isEmpty else {
                throw Problem(message: "'\(path)' is a directory that is not empty and not a swdd repository")
            }
        } else {
            try FileSystemPath.makeDirectory(path)
        }
        let repository = BackupRepository(path: path)
        for directory in [repository.imagesPath, repository.manifestsPath, repository.locksPath] {
            try FileSystemPath.makeDirectory(directory)
        }
        // The marker last: a repository exists once everything it needs does.
        try FileSystemPath.writeAtomically(Array(markerText.utf8), to: path + "/" + markerName, replacing: false)
        return repository
    }

    public func imagePath(_ manifest: BackupManifest) -> String { imagesPath + "/" + manifest.imageFileName }

    func manifestPath(id: String) -> String { manifestsPath + "/" + id + ".manifest" }

    /// Every image of the repository, oldest first. A manifest that does not check out is a
    /// problem reported with its name, never skipped silently.
    public func manifests() throws -> [BackupManifest] {
        var found: [BackupManifest] = []
        for name in try FileSystemPath.entries(of: manifestsPath) where name.hasSuffix(".manifest") {
            let file = manifestsPath + "/" + name
            let descriptor = try FileDescriptor.open(file, flags: [.readOnly, .closeOnExec])
            defer { try? descriptor.close() }
            let bytes = try ImageLayout.readAll(descriptor, count: 1 << 20)
            do {
                let manifest = try BackupManifest.decode(bytes)
                guard name == manifest.idText + ".manifest" else { throw BackupManifest.Invalid(reason: "it names image \(manifest.idText)") }
                found.append(manifest)
            } catch let invalid as BackupManifest.Invalid {
                throw Problem(message: "manifest '\(file)' cannot be used: \(invalid.reason)")
            }
        }
        return found.sorted { ($0.created, $0.idText) < ($1.created, $1.idText) }
    }

    /// Makes an image visible: its manifest, written once (the image file must be complete).
    public func publish(_ manifest: BackupManifest) throws(SystemError) {
        try FileSystemPath.writeAtomically(manifest.encoded(), to: manifestPath(id: manifest.idText), replacing: false)
    }

    /// Removes an image: the manifest first, so that it stops existing at once, then its file.
    public func remove(_ manifest: BackupManifest) throws(SystemError) {
        try FileSystemPath.remove(manifestPath(id: manifest.idText))
        try FileSystemPath.syncDirectory(manifestsPath)
        let image = imagePath(manifest)
        if FileSystemPath.exists(image) { try FileSystemPath.remove(image) }
    }

    /// Image files no manifest names: what interrupted backups left (`.partial` files, or a
    /// complete image whose manifest was never written). Only a holder of a lock that excludes
    /// every other writer may remove them.
    public func orphans(known: [BackupManifest]) throws -> [String] {
        let named = Set(known.map(\.imageFileName))
        return try FileSystemPath.entries(of: imagesPath).filter { !named.contains($0) }.sorted().map { imagesPath + "/" + $0 }
    }

    /// The restore point `manifest` names: its image and its parents, newest first, each found
    /// through its manifest, checked as one chain.
    public func restorePoint(_ manifest: BackupManifest, among manifests: [BackupManifest]) throws -> RestorePoint {
        let byID = Dictionary(manifests.map { ($0.idText, $0) }, uniquingKeysWith: { first, _ in first })
        var members: [RestorePoint.Member] = []
        var next: BackupManifest? = manifest
        while let current = next {
            guard FileSystemPath.exists(imagePath(current)) else {
                throw ImageFormatError.brokenChain("image \(current.shortName) has a manifest but its file '\(imagePath(current))' is missing")
            }
            let member = try ImageChainFiles.member(opening: imagePath(current), name: current.shortName)
            guard member.layout.metadata.imageID == current.id else {
                throw ImageFormatError.brokenChain("'\(imagePath(current))' is not the image its manifest names")
            }
            members.append(member)
            guard let parent = current.parentText else { break }
            guard let found = byID[parent] else {
                throw ImageFormatError.brokenChain("image \(current.shortName) needs its parent \(String(parent.prefix(12))), which is not in the repository")
            }
            guard members.count <= byID.count else { throw ImageFormatError.brokenChain("the parents of \(manifest.shortName) form a loop") }
            next = found
        }
        return try RestorePoint(chain: members)
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
