import SwddRemote
import SwddSystem

/// Where an image is written: a new file, which exists under its name only once complete
/// (written as `NAME.partial`, synced, then renamed); a file on another machine, by the same
/// rule over ssh; or a stream (standard output), which has no name to protect. A remote upload
/// may keep a sidecar (`NAME.progress`, an `UploadProgress`) so that an interrupted one can be
/// continued: then an unfinished upload is kept, not removed.
public final class ImageOutput {
    public let descriptor: FileDescriptor

    private enum Place {
        case file(final: String, partial: String)
        case remote(RemoteUpload, final: RemotePath, progress: RemoteUpload?)
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

    /// `path.partial` on the remote, streamed through ssh; renamed there once complete and
    /// synced. With `progress` (its key and header), `path.progress` records each frame as it goes.
    public static func remote(_ files: RemoteFiles, path: RemotePath, progress: UploadProgress? = nil) throws -> ImageOutput {
        let upload = try files.upload(partialPath(path))
        let sidecar: RemoteUpload?
        do {
            sidecar = try progress.map { try startProgress(files, path: path, $0) }
        } catch {
            upload.cancel()
            throw error
        }
        return ImageOutput(descriptor: upload.input, place: .remote(upload, final: path, progress: sidecar))
    }

    /// Continues an interrupted upload of `path`: its `.partial` cut to the frames `progress`
    /// keeps, then appended to; the sidecar written again with those frames, then grown.
    public static func resumedRemote(_ files: RemoteFiles, path: RemotePath, progress: UploadProgress) throws -> ImageOutput {
        let sidecar = try startProgress(files, path: path, progress)
        do {
            let upload = try files.append(partialPath(path), truncatingTo: progress.imageBytes)
            return ImageOutput(descriptor: upload.input, place: .remote(upload, final: path, progress: sidecar))
        } catch {
            sidecar.cancel()
            throw error
        }
    }

    private static func partialPath(_ path: RemotePath) -> RemotePath {
        RemotePath(inHome: path.inHome, relative: path.relative + ".partial")
    }

    private static func startProgress(_ files: RemoteFiles, path: RemotePath, _ progress: UploadProgress) throws -> RemoteUpload {
        let sidecar = try files.upload(RemotePath(inHome: path.inHome, relative: path.relative + ".progress"))
        do {
            try progress.encoded().withUnsafeBytes { try sidecar.input.writeAll($0) }
        } catch {
            sidecar.cancel()
            throw error
        }
        return sidecar
    }

    /// Records a frame just written (a remote upload with a sidecar; nothing otherwise).
    func recordFrame(_ frame: UploadProgress.Frame) throws {
        guard case .remote(_, _, let progress?) = place else { return }
        do {
            try UploadProgress.record(frame).withUnsafeBytes { try progress.input.writeAll($0) }
        } catch let incomplete as IncompleteWrite {
            throw incomplete.error
        }
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
        case .remote(let upload, let final, let progress):
            try upload.finish()
            try progress?.finish()
            try upload.files.commit(upload.path, as: final)
            if let progress { try? upload.files.remove(progress.path) }
        case .stream:
            break
        }
    }

    /// Removes what an unfinished image left (a file; a remote upload without a sidecar); a
    /// remote upload with one is kept for the next run to continue; a stream cannot be taken back.
    public func abandon() {
        switch place {
        case .file(_, let partial):
            try? descriptor.close()
            try? FileSystemPath.remove(partial)
        case .remote(let upload, _, let progress):
            upload.cancel()
            if let progress {
                progress.cancel()
            } else {
                try? upload.files.remove(upload.path)
            }
        case .stream:
            break
        }
    }
}
