import SwddImage
import SwddRemote
import SwddSystem

/// Where a repository's objects live — a local directory, or one on another machine over ssh —
/// as the few operations the repository model needs: list, read, write once (or replace
/// atomically), remove, and images read at offsets or written as `.partial` then renamed.
/// Names are relative to the repository's root (`images/ID.img.zst`).
public protocol RepositoryStore: Sendable {
    /// The repository as the user named it, for messages.
    var description: String { get }
    /// The local directory, when there is one (freeze checks need it); nil for a remote.
    var localPath: String? { get }
    /// The names in a directory; nil when it does not exist.
    func list(_ directory: String) throws -> [String]?
    /// A whole small object; nil when it does not exist.
    func read(_ name: String) throws -> [UInt8]?
    /// Every object of `directory` whose name ends in `suffix`, with its bytes (manifests,
    /// leases); nil when the directory does not exist. One round trip on a remote.
    func readAll(in directory: String, suffix: String) throws -> [(name: String, bytes: [UInt8])]?
    /// Writes `bytes` as `name`, complete or not at all; with `replacing` false an existing
    /// object is an error (`ObjectExists`) and stays as it was.
    func write(_ bytes: [UInt8], to name: String, replacing: Bool) throws
    func remove(_ name: String) throws
    func exists(_ name: String) throws -> Bool
    func makeDirectory(_ name: String) throws
    /// An image, for its layout and frames (`knownSize`: its size, when a layout gave it).
    func openImage(_ name: String, knownSize: Int64?) throws -> any ImageBytes
    /// A new image, written as `name.partial` and renamed at `commit`.
    func createImage(_ name: String) throws -> ImageOutput
    /// Writes a new object, then reads every object of `directory` ending in `suffix`: a lease
    /// taken by writing, then listing (one round trip on a remote).
    func writeThenReadAll(_ bytes: [UInt8], to name: String, in directory: String, suffix: String) throws -> [(name: String, bytes: [UInt8])]
    /// Releases connections.
    func close()
}

extension RepositoryStore {
    public func writeThenReadAll(_ bytes: [UInt8], to name: String, in directory: String, suffix: String) throws -> [(name: String, bytes: [UInt8])] {
        try write(bytes, to: name, replacing: false)
        return try readAll(in: directory, suffix: suffix) ?? []
    }
}

/// A store whose interrupted image uploads can be continued (a remote one, where sending the
/// image again is what costs): an image written with a sidecar (`UploadProgress`, as
/// `name.progress`) is kept when its run ends unfinished.
public protocol ResumableImageStore: RepositoryStore {
    /// A new image with its sidecar.
    func createImage(_ name: String, progress: UploadProgress) throws -> ImageOutput
    /// The interrupted `name.partial`, cut to the frames `progress` keeps and continued.
    func continueImage(_ name: String, progress: UploadProgress) throws -> ImageOutput
    func size(_ name: String) throws -> Int64
}

/// `write(replacing: false)` found the object there.
public struct ObjectExists: Error, Sendable {
    public var name: String
}

/// A repository in a local directory.
public struct LocalDirectoryStore: RepositoryStore {
    public let root: String

    public init(_ root: String) { self.root = root }

    public var description: String { root }
    public var localPath: String? { root }

    private func path(_ name: String) -> String { name.isEmpty ? root : root + "/" + name }

    public func list(_ directory: String) throws -> [String]? {
        guard FileSystemPath.exists(path(directory)) else { return nil }
        return try FileSystemPath.entries(of: path(directory))
    }

    public func read(_ name: String) throws -> [UInt8]? {
        guard FileSystemPath.exists(path(name)) else { return nil }
        let file = try FileDescriptor.open(path(name), flags: [.readOnly, .closeOnExec])
        defer { try? file.close() }
        return try ImageLayout.readAll(file, count: Int(min(try file.status().size, 16 << 20)))
    }

    public func readAll(in directory: String, suffix: String) throws -> [(name: String, bytes: [UInt8])]? {
        guard let names = try list(directory) else { return nil }
        // An object removed between the listing and the read (a lease released) is left out.
        return try names.filter { $0.hasSuffix(suffix) }.sorted().compactMap { name in
            try read(directory + "/" + name).map { (name, $0) }
        }
    }

    public func write(_ bytes: [UInt8], to name: String, replacing: Bool) throws {
        do {
            try FileSystemPath.writeAtomically(bytes, to: path(name), replacing: replacing)
        } catch where error.code == .fileExists {
            throw ObjectExists(name: name)
        }
    }

    public func remove(_ name: String) throws {
        try FileSystemPath.remove(path(name))
        try FileSystemPath.syncDirectory(FileSystemPath.directory(of: path(name)))
    }

    public func exists(_ name: String) throws -> Bool { FileSystemPath.exists(path(name)) }

    public func makeDirectory(_ name: String) throws { try FileSystemPath.makeDirectory(path(name)) }

    public func openImage(_ name: String, knownSize: Int64?) throws -> any ImageBytes {
        try FileDescriptor.open(path(name), flags: [.readOnly, .closeOnExec])
    }

    public func createImage(_ name: String) throws -> ImageOutput { try ImageOutput.file(path(name)) }

    public func close() {}
}

/// A repository in a directory on another machine, through the system ssh client; the remote
/// needs a POSIX shell and coreutils only.
public struct SshStore: ResumableImageStore {
    public let files: RemoteFiles
    public let root: RemotePath

    public init(_ files: RemoteFiles, root: RemotePath) {
        self.files = files
        self.root = root
    }

    public var description: String { files.session.location.with(path: root).description }
    public var localPath: String? { nil }

    private func path(_ name: String) -> RemotePath { name.isEmpty ? root : root.appending(name) }

    public func list(_ directory: String) throws -> [String]? { try files.list(path(directory)) }
    public func read(_ name: String) throws -> [UInt8]? { try files.read(path(name)) }

    public func readAll(in directory: String, suffix: String) throws -> [(name: String, bytes: [UInt8])]? {
        try files.readAll(in: path(directory), suffix: suffix)
    }

    public func write(_ bytes: [UInt8], to name: String, replacing: Bool) throws {
        do {
            try files.write(bytes, to: path(name), replacing: replacing)
        } catch let failure as SshSession.Failure where failure.message.hasSuffix(": it exists") {
            throw ObjectExists(name: name)
        }
    }

    public func writeThenReadAll(_ bytes: [UInt8], to name: String, in directory: String, suffix: String) throws -> [(name: String, bytes: [UInt8])] {
        do {
            return try files.writeThenReadAll(bytes, to: path(name), in: path(directory), suffix: suffix)
        } catch let failure as SshSession.Failure where failure.message.hasSuffix(": it exists") {
            throw ObjectExists(name: name)
        }
    }

    public func remove(_ name: String) throws { try files.remove(path(name)) }
    public func exists(_ name: String) throws -> Bool { try files.exists(path(name)) }
    public func makeDirectory(_ name: String) throws { try files.makeDirectories(path(name)) }
    public func openImage(_ name: String, knownSize: Int64?) throws -> any ImageBytes {
        RemoteImageBytes(files, path: path(name), knownSize: knownSize)
    }
    public func createImage(_ name: String) throws -> ImageOutput { try ImageOutput.remote(files, path: path(name)) }
    public func createImage(_ name: String, progress: UploadProgress) throws -> ImageOutput {
        try ImageOutput.remote(files, path: path(name), progress: progress)
    }
    public func continueImage(_ name: String, progress: UploadProgress) throws -> ImageOutput {
        try ImageOutput.resumedRemote(files, path: path(name), progress: progress)
    }
    public func size(_ name: String) throws -> Int64 { try files.size(path(name)) }
    public func close() { files.session.close() }
}
