#if canImport(Glibc)
import Glibc
#endif

/// An exclusive claim on a block device: an `open` with `O_EXCL` and without `O_CREAT`, which
/// Linux grants to one opener at a time and refuses with EBUSY while the device is mounted, used
/// as swap, a RAID or device-mapper member, or claimed by another process. While it is held
/// nobody else can claim or mount the device; plain opens (the writer's own) still succeed.
/// Mechanism only: whether to claim, and what a busy device means, is the caller's.
public struct BlockDeviceClaim: Sendable {
    public enum Outcome: Sendable {
        case claimed(BlockDeviceClaim)
        /// EBUSY: someone else holds the device.
        case busy
        /// Any other failure (no permission, no such device, not a block device); the caller's
        /// own open will meet it again and report it in its own words.
        case failed(SystemError)
    }

    public let descriptor: FileDescriptor

    /// The C function is `open(O_WRONLY | O_EXCL | O_CLOEXEC)`; write access, since a claim is
    /// taken to write. Without `O_CREAT`, `O_EXCL` means "exclusive" only for block devices, so
    /// anything else the path turns out to be (replaced since it was looked at) is let go.
    public static func claim(_ path: String) -> Outcome {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(path, flags: [.writeOnly, .exclusive, .closeOnExec])
        } catch {
            return error.code == .resourceBusy ? .busy : .failed(error)
        }
        guard (try? descriptor.status())?.kind == .blockDevice else {
            try? descriptor.close()
            return .failed(SystemError("open", path: path, code: .notBlockDevice))
        }
        return .claimed(BlockDeviceClaim(descriptor: descriptor))
    }

    /// Lets the device go; process exit does the same.
    public func release() {
        try? descriptor.close()
    }
}
