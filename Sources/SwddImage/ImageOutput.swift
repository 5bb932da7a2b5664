import SwddSystem

/// Where an image is written: a new file, which exists under its name only once complete
/// (written as `NAME.partial`, synced, then renamed), or a stream (standard output), which
/// has no name to protect.
public final class ImageOutput {
    public let descriptor: FileDescriptor
    /// The final path and the partial one, for a file.
    private let paths: (final: String, partial: String)?

    private init(descriptor: FileDescriptor, paths: (final: String, partial: String)?) {
        self.descriptor = descriptor
        self.paths = paths
    }

    /// `path.partial`, created or emptied (a left-over partial is our own, from a run that did
    /// not finish). Whether `path` itself may be replaced is the caller's policy.
    public static func file(_ path: String) throws(SystemError) -> ImageOutput {
        let partial = path + ".partial"
        let descriptor = try FileDescriptor.open(partial, flags: [.writeOnly, .create, .truncate, .closeOnExec], mode: 0o644)
        return ImageOutput(descriptor: descriptor, paths: (path, partial))
    }

    public static func stream(_ descriptor: FileDescriptor) -> ImageOutput {
        ImageOutput(descriptor: descriptor, paths: nil)
    }

    /// The path being written, for messages and for the signal handler's clean-up.
    public var partialPath: String? { paths?.partial }

    /// Makes a complete image visible: `fdatasync`, close, rename over the final name (a file);
    /// nothing for a stream.
    public func commit() throws(SystemError) {
        guard let paths else { return }
        try descriptor.syncData()
        try descriptor.close()
        try FileSystemPath.rename(paths.partial, to: paths.final)
    }

    /// Removes what an unfinished image left (a file); a stream cannot be taken back.
    public func abandon() {
        guard let paths else { return }
        try? descriptor.close()
        try? FileSystemPath.remove(paths.partial)
    }
}
