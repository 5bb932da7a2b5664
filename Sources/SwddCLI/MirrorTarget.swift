import SwddBackup
import SwddSystem

/// A mirror's target checked and opened, on whichever machine it is (`swdd mirror` here, or
/// `swdd __mirror-peer` on the other end of an ssh:// mirror), by one rule: a mounted or busy
/// device is refused (claimed `O_EXCL` while written), so is one smaller than the source or,
/// unless forced, of another logical sector size; a new file is written as TARGET.partial
/// (never created in /dev unless forced) and renamed by the caller at the end.
struct MirrorTarget {
    var side: MirrorSide
    /// A new file's `.partial` name, renamed to the target at the end.
    var partial: String?
    var claim: BlockDeviceClaim?

    /// The source as the target's checks need it: its name for messages, its size and sector
    /// size, and (a local source) its status, so that a mirror onto itself is refused.
    struct Source {
        /// For messages, quoted as they show it: `'disk.img'`, or `the source` on the peer.
        var name: String
        var size: Int64
        var logicalSectorSize: Int
        var status: FileStatus? = nil
    }

    /// Throws `ImageCommand.Refusal` or `TargetSafety.Refusal` (one line each), or the system's error.
    static func prepare(_ target: String, for source: Source, force: Bool) throws -> MirrorTarget {
        guard FileSystemPath.exists(target) else {
            if !force && ImageCommandSupport.isNewFileInDevtmpfs(target) {
                throw ImageCommand.Refusal(message: "refusing to create '\(target)' in /dev, which holds devices (use --force to create it anyway)")
            }
            // A new file: all holes at first, so the comparison reads nothing and only data is written.
            let partial = target + ".partial"
            try FileDescriptor.open(partial, flags: [.writeOnly, .create, .truncate, .closeOnExec], mode: 0o644).close()
            do {
                return MirrorTarget(side: try MirrorSide.open(partial, forWriting: true), partial: partial)
            } catch {
                try? FileSystemPath.remove(partial)
                throw error
            }
        }
        let status = try FileStatus.of(path: target)
        if let sourceStatus = source.status {
            let sameFile = status.kind == .blockDevice
                ? sourceStatus.kind == .blockDevice && sourceStatus.representedDevice == status.representedDevice
                : sourceStatus.device == status.device && sourceStatus.inode == status.inode
            if sameFile {
                throw ImageCommand.Refusal(message: "refusing to mirror \(source.name) onto itself ('\(target)' is the same \(status.kind == .blockDevice ? "device" : "file"))")
            }
        }
        switch status.kind {
        case .blockDevice:
            let claim = try TargetSafety.claimForWriting(target, force: force, frontEnd: .subcommand)
            let side: MirrorSide
            do {
                side = try MirrorSide.open(target, forWriting: true)
                guard side.size >= source.size else {
                    side.close()
                    throw ImageCommand.Refusal(message: "refusing to mirror onto '\(target)': it holds \(side.size) bytes, fewer than the \(source.size) of \(source.name)")
                }
                if side.logicalSectorSize != source.logicalSectorSize && !force {
                    side.close()
                    throw ImageCommand.Refusal(message: "refusing to mirror onto '\(target)': its logical sectors are \(side.logicalSectorSize) bytes, "
                                               + "those of \(source.name) \(source.logicalSectorSize) (partition tables would not be found; use --force to write anyway)")
                }
            } catch {
                claim?.release()
                throw error
            }
            return MirrorTarget(side: side, claim: claim)
        case .regular:
            return MirrorTarget(side: try MirrorSide.open(target, forWriting: true))
        case .directory:
            throw ImageCommand.Refusal(message: "cannot mirror onto '\(target)': it is a directory")
        default:
            throw ImageCommand.Refusal(message: "cannot mirror onto '\(target)': mirror reads its target, so it must be a regular file or a block device")
        }
    }

    /// Closes the side and releases the device.
    func close() {
        side.close()
        claim?.release()
    }

    /// The one line of a refusal, or nil for an error of another kind.
    static func refusalMessage(_ error: any Error) -> String? {
        switch error {
        case let refusal as ImageCommand.Refusal: refusal.message
        case let refusal as TargetSafety.Refusal: refusal.message
        default: nil
        }
    }
}
