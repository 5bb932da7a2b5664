import SwddRemote
import SwddSystem

/// Where an image is written: a new file, which exists under its name only once complete
/// (written as `NAME.partial`, synced, then renamed); a file on another machine, by the same
/// rule over ssh; or a stream (standard output), which has no name to protect.
public final class ImageOutput {
    public let descriptor: FileDescriptor

    private enum Place {
        case file(final: String, partial: String)
        case remote(RemoteUpload, final: RemotePath)
        case stream
    }

    private let place: Place

    private init(descriptor: FileDescriptor, place: Place) {
        self.descriptor = descriptor
        self.place = place
    }

    /// `path.partial`, created or emptied (a left-over partial is our own, from a run that did
    /// not finish). Whether `path` itself may be replaced is the caller's policy.
    public static func file(_ path: String) throws(SystemError) -> ImageOutput {
        let partial = path + ".partial"
        let descriptor = try FileDescriptor.open(partial, flags: [.writeOnly, .create, .truncate, .closeOnExec], mode: 0o644)
        return ImageOutput(descriptor: descriptor, place: .file(final: path, partial: partial))
    }

    /// `path.partial` on the remote, streamed through ssh; renamed there once complete and synced.
    public static func remote(_ files: RemoteFiles, path: RemotePath) throws -> ImageOutput {
        let partial = RemotePath(inHome: path.inHome, relative: path.relative + ".partial")
        let upload = try files.upload(partial)
        return ImageOutput(descriptor: upload.input, place: .remote(upload, final: path))
    }

    public static func stream(_ descriptor: FileDescriptor) -> ImageOutput {
        ImageOutput(descriptor: descriptor, place: .stream)
    }

    /// The local path being written, for messages and for the signal handler's clean-up.
    public var partialPath: String? {
        if case .file(_, let partial) = place { return partial }
        return nil
    }

    /// Makes a complete image visible: `fdatasync`, close, rename over the final name (a file,
    /// here or remote); nothing for a stream.
    public func commit() throws {
        switch place {
        case .file(let final, let partial):
            try descriptor.syncData()
            try descriptor.close()
            try FileSystemPath.rename(partial, to: final)
        case .remote(let upload, let final):
            try upload.finish()
            try upload.files.commit(upload.path, as: final)
        case .stream:
            break
        }
    }

    /// Removes what an unfinished image left (a file); a stream cannot be taken back.
    public func abandon() {
        switch place {
        case .file(_, let partial):
            try? descriptor.close()
            try? FileSystemPath.remove(partial)
        case .remote(let upload, _):
            upload.cancel()
            try? upload.files.remove(upload.path)
        case .stream:
            break
        }
    }
}
