#if canImport(Glibc)
import Glibc
#endif
import SwddEngine
import SwddSystem

/// `--freeze`'s policy, for every command that reads a source whose file system may be mounted
/// (`image`; `backup` the same way): which file systems SOURCE holds, what is refused before
/// anything is frozen, the warning for a read-write mount read without `--freeze`, and the
/// freeze itself, held for as long as the source is read (`HeldFreeze`).
struct SourceFreeze {
    /// The mounted file systems whose blocks SOURCE holds (a device's own, its partitions', a
    /// loop device's backing file's); all of them are frozen, in this order.
    let filesystems: [MountTable.Entry]
    let source: String
    /// The source, whose cached pages are dropped once frozen.
    let descriptor: FileDescriptor

    /// A refusal, worded: nothing has been frozen or written.
    struct Refusal: Error {
        var message: String
    }

    /// The environment variable that makes a test pause this many seconds once the file
    /// system is frozen, before the first read (to look at it frozen, or kill swdd then).
    static let testPauseVariable = "SWDD_TEST_PAUSE_AFTER_FREEZE"

    /// Looks at what `descriptor` (SOURCE, a device or file) holds. With `freeze`: the file
    /// systems to freeze, or a refusal when one of `writes` (the paths the command writes,
    /// `-` for standard output) lies on one of them — writing there would wait for the thaw
    /// that waits for the write; nil, with a warning, when nothing is mounted. Without: nil,
    /// and a warning when a file system is mounted read-write (the image may be inconsistent).
    static func prepare(source: String, descriptor: FileDescriptor, freeze: Bool, writes: [String]) throws(Refusal) -> SourceFreeze? {
        let table = MountTable.current()
        guard let status = try? descriptor.status() else { return nil }
        let filesystems = table.filesystems(heldBy: status)
        guard freeze else {
            if let writable = filesystems.first(where: { !$0.isReadOnly }) {
                ImageCommandSupport.complain("warning: '\(source)' holds a filesystem mounted read-write on '\(writable.mountPoint)': "
                                             + "the image may be inconsistent (use --freeze)")
            }
            return nil
        }
        guard !filesystems.isEmpty else {
            ImageCommandSupport.complain("warning: '\(source)' holds no mounted filesystem: nothing to freeze, reading it as it is")
            return nil
        }
        for filesystem in filesystems {
            for path in writes where lies(path, on: filesystem, table: table) {
                let what = path == "-" ? "standard output" : "'\(path)'"
                throw Refusal(message: "refusing to freeze '\(filesystem.mountPoint)' (mounted from '\(filesystem.source)'): \(what) "
                              + "would be written on that filesystem while it is frozen; write it elsewhere")
            }
        }
        return SourceFreeze(filesystems: filesystems, source: source, descriptor: descriptor)
    }

    /// Freezes every file system, for at most `timeout` each; a failure thaws those already
    /// frozen and is thrown. Once frozen, the source's cached pages are dropped: a file
    /// system's data reaches the device without passing through the device's own page cache,
    /// so pages cached from an earlier read of the device may be older than the disk.
    func hold(timeout: Duration) throws(FreezeError) -> HeldFreeze {
        var frozen: [FrozenFilesystem] = []
        for filesystem in filesystems {
            do {
                frozen.append(try FilesystemFreeze.hold(mountPoint: filesystem.mountPoint, timeout: timeout))
            } catch {
                for held in frozen { try? held.thaw() }
                throw error
            }
        }
        descriptor.dropCache(offset: 0, length: 0)
        if let text = ProcessEnvironment.value(of: Self.testPauseVariable), let seconds = Double(text), seconds > 0 {
            ImageCommandSupport.complain("test pause: '\(filesystems.map(\.mountPoint).joined(separator: "', '"))' frozen, "
                                         + "reading in \(text) s")
            MonotonicClock.sleep(nanoseconds: UInt64(seconds * 1e9))
        }
        return HeldFreeze(frozen)
    }

    /// Whether writing `path` (a file to create, `-` for standard output) puts blocks on the file
    /// system `filesystem`: its directory is on the same device, or inside the same mount.
    static func lies(_ path: String, on filesystem: MountTable.Entry, table: MountTable) -> Bool {
        let devices = [deviceNumber(major: filesystem.major, minor: filesystem.minor),
                       (try? FileStatus.of(path: filesystem.mountPoint))?.device].compactMap { $0 }
        if path == "-" {
            guard let output = try? FileDescriptor.standardOutput.status(), output.kind == .regular else { return false }
            return devices.contains(output.device)
        }
        let directory = directory(of: path)
        if let status = try? FileStatus.of(path: directory), devices.contains(status.device) { return true }
        guard let mount = table.entry(containing: directory) else { return false }
        return mount.major == filesystem.major && mount.minor == filesystem.minor
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `makedev(major, minor)`, as `st_dev` encodes it.
    static func deviceNumber(major: UInt32, minor: UInt32) -> UInt64 {
        let major = UInt64(major), minor = UInt64(minor)
        return (major & 0xfffff000) << 32 | (major & 0xfff) << 8 | (minor & 0xffffff00) << 12 | (minor & 0xff)
    }

    /// One line for a freeze that failed or did not hold.
    static func reason(_ error: FreezeError) -> String {
        switch error {
        case .notFrozen(let error):
            let hint = switch error.code {
            case .notPermitted: " (--freeze needs root)"
            case .notSupported: " (this filesystem cannot be frozen)"
            default: ""
            }
            return "cannot freeze '\(error.path ?? "")': \(error.operation == "FIFREEZE" ? "" : error.operation + ": ")\(error.reason)\(hint)"
        case .expired(let mountPoint, let timeout):
            return "the freeze of '\(mountPoint)' ended after \(timeout.components.seconds) s (--freeze-timeout) before the source "
                + "was read to its end: the image would be inconsistent"
        case .thawFailed(let error) where error.code == .invalidArgument:
            return "'\(error.path ?? "")' was thawed by someone else while it was read: the image may be inconsistent"
        case .thawFailed(let error):
            return "cannot thaw '\(error.path ?? "")': \(error.reason)"
        case .helperVanished(let mountPoint):
            return "the process holding the freeze of '\(mountPoint)' died (it was thawed): the image may be inconsistent"
        }
    }
}

/// The freezes held while a source is read: checked before each read, thawed after the last.
final class HeldFreeze: ReadingHold {
    let filesystems: [FrozenFilesystem]

    init(_ filesystems: [FrozenFilesystem]) { self.filesystems = filesystems }

    func check() throws {
        for filesystem in filesystems { try filesystem.checkStillFrozen() }
    }

    /// Thaws every one, then throws the first failure.
    func release() throws {
        var failure: FreezeError?
        for filesystem in filesystems {
            do { try filesystem.thaw() } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }
}
