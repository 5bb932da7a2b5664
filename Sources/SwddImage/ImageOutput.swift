import SwddRemote
import SwddSystem

/// Where an image is written: a new file, which exists under its name only once complete
/// (written as `NAME.partial`, synced, then renamed); a file on another machine, by the same
/// rule over ssh; an object in object storage (as `NAME.partial`, then moved), or the segment
/// objects of a repository's image there (`SegmentedUpload`); or a stream (standard output),
/// which has no name to protect. A remote upload may keep a sidecar (`NAME.progress`, an
/// `UploadProgress`) so that an interrupted one can be continued: then an unfinished upload is
/// kept, not removed.
public final class ImageOutput {
    /// Where the bytes go, for the places written through one descriptor.
    private let descriptor: FileDescriptor?

    private enum Place {
        case file(final: String, partial: String)
        case remote(RemoteUpload, final: RemotePath, progress: RemoteUpload?)
        case object(RcloneProcess, Rclone, final: String, partial: String)
        case segments(SegmentedUpload)
        case stream
    }

    private let place: Place
    /// A remote upload's sidecar stream: what its records are made with, and how many it holds.
    private var sidecar: (progress: UploadProgress, records: Int)?

    private init(descriptor: FileDescriptor?, place: Place, sidecar: UploadProgress? = nil) {
        self.descriptor = descriptor
        self.place = place
        self.sidecar = sidecar.map { ($0, $0.frames.count) }
    }

    /// Writes the next bytes of the image.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if case .segments(let upload) = place { return try upload.write(bytes) }
        do {
            try descriptor!.writeAll(bytes)
        } catch {
            if case .object(let process, let rclone, _, let partial) = place, !process.lastError.isEmpty {
                throw Rclone.Failure(message: "cannot upload '\(rclone.describe(partial))': \(process.lastError)", status: 1)
            }
            throw error.error
        }
    }

    public func write(text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Starts writing back what a local file holds so far (nothing elsewhere).
    func startWriteback(offset: Int64, length: Int64) {
        if case .file = place { descriptor?.startWriteback(offset: offset, length: length) }
    }

    /// `name.partial` in object storage, streamed through `rclone rcat`, moved to `name` once
    /// complete (a store without rename copies it there, on its side).
    public static func object(_ rclone: Rclone, name: String) throws -> ImageOutput {
        let partial = name + ".partial"
        let process = try rclone.upload(partial)
        return ImageOutput(descriptor: process.child.input, place: .object(process, rclone, final: name, partial: partial))
    }

    /// A repository's image in object storage, as segment objects under `prefix`; with
    /// `progress`, recorded so that an interrupted upload can be continued (`firstSegment`:
    /// the complete segments such a continued upload keeps).
    public static func segments(_ rclone: Rclone, prefix: String, progress: UploadProgress?, firstSegment: Int = 0) throws -> ImageOutput {
        ImageOutput(descriptor: nil, place: .segments(try SegmentedUpload(rclone, prefix: prefix, progress: progress, firstSegment: firstSegment)))
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
        return ImageOutput(descriptor: upload.input, place: .remote(upload, final: path, progress: sidecar), sidecar: progress)
    }

    /// Continues an interrupted upload of `path`: its `.partial` cut to the frames `progress`
    /// keeps, then appended to; the sidecar written again with those frames, then grown.
    public static func resumedRemote(_ files: RemoteFiles, path: RemotePath, progress: UploadProgress) throws -> ImageOutput {
        let sidecar = try startProgress(files, path: path, progress)
        do {
            let upload = try files.append(partialPath(path), truncatingTo: progress.imageBytes)
            return ImageOutput(descriptor: upload.input, place: .remote(upload, final: path, progress: sidecar), sidecar: progress)
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

    /// Records a frame just written (a remote upload with a sidecar, segments; nothing otherwise).
    func recordFrame(_ frame: UploadProgress.Frame) throws {
        if case .segments(let upload) = place { return try upload.frameEnded(frame) }
        guard case .remote(_, _, let stream?) = place, let (progress, records) = sidecar else { return }
        do {
            try progress.record(frame, index: records).withUnsafeBytes { try stream.input.writeAll($0) }
        } catch let incomplete as IncompleteWrite {
            throw incomplete.error
        }
        sidecar = (progress, records + 1)
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
            try descriptor!.syncData()
            try descriptor!.close()
            try FileSystemPath.rename(partial, to: final)
        case .object(let process, let rclone, let final, let partial):
            try process.finish("cannot upload", partial, in: rclone)
            try rclone.move(partial, to: final)
        case .segments(let upload):
            try upload.commit()
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
            try? descriptor!.close()
            try? FileSystemPath.remove(partial)
        case .object(let process, let rclone, _, let partial):
            process.cancel()
            try? rclone.remove(partial)
        case .segments(let upload):
            upload.abandon()
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
