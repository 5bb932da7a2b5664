import Glibc
import ArgumentParser
import SwddEngine
import SwddImage
import SwddMount
import SwddSystem

/// `swdd mount IMAGE|REPO MOUNTPOINT`: a restore point as files, without restoring it — `disk`,
/// and `p1`, `p2`, … for the partitions of its table — read-only through FUSE, so
/// `mount -o loop,ro MOUNTPOINT/p2 /mnt` gives its files. Reads decompress only the frames they
/// touch and check every block's digest; a damaged frame is EIO and one line on standard
/// error. In the background (the default) the command returns once the mount is up, with the
/// status of its failure if it could not be made; `--foreground` serves until unmounted, and
/// SIGINT or SIGTERM unmount it.
struct MountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Show an image or restore point as files (disk, p1, p2, …) through FUSE, without restoring it.",
        discussion: """
            The files are read-only: writes fail with EROFS, and the image is never opened for \
            writing. --overlay makes them writable, keeping every write in a temporary file \
            that vanishes with the mount, so a filesystem imaged while mounted can replay its \
            journal and be loop-mounted. Unmount with swdd umount MOUNTPOINT (or fusermount3 -u).
            """)

    @Argument(help: "The image file (an image of a chain is read with its parents beside it), or a repository.")
    var image: String

    @Argument(help: "An existing directory to mount on.")
    var mountPoint: String

    @Option(help: ArgumentHelp("With a repository: the restore point — latest (the default), an image id, or a time (ISO 8601); the newest image made at or before it.", valueName: "time|id"))
    var at: String?

    @Option(help: ArgumentHelp("With a repository: the chain (needed when it holds several).", valueName: "name"))
    var name: String?

    @OptionGroup var remote: RemoteOptions

    @OptionGroup var keys: KeyOption

    @Flag(help: "Serve in the foreground until unmounted (SIGINT or SIGTERM unmount).")
    var foreground = false

    @Flag(help: "A writable copy-on-write view: writes go to a temporary file, removed at unmount; the image never changes.")
    var overlay = false

    @Option(help: ArgumentHelp("Decoded chunks kept in memory, in MiB (default 64).", valueName: "MiB"))
    var cache: Int = 64

    @Option(help: ArgumentHelp("Read-ahead threads (default: the cores).", valueName: "N"))
    var threads: Int?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard cache >= 1 else { throw ValidationError("--cache must be at least 1 MiB") }
    }

    func run() throws {
        let support = ImageCommandSupport.self
        let key = try keys.key()
        do {
            try FileDescriptor.open(mountPoint, flags: [.readOnly, .directory, .closeOnExec]).close()
        } catch {
            support.complain("cannot mount on '\(mountPoint)': \(error.reason)")
            throw ExitCode(support.failed)
        }
        // Before any thread or lease exists: the child does everything, the parent waits for it.
        let ready = foreground ? nil : try backgroundStart()
        // Blocked before libfuse starts its threads, so only the watcher receives them.
        let signals = [SIGINT, SIGTERM, SIGHUP]
        SignalWatcher.block(signals)
        let opened = try OpenedPoint.open(image, at: at, name: name, purpose: "mount", key: key, remote: remote)
        defer { opened.release() }
        let workers = max(1, threads ?? ProcessorCount.online)
        let session: MountSession
        do {
            let chunks = try RestorePointChunks(point: opened.point)
            let description = opened.description
            let view = try DiskView(chunks: chunks, cacheBytes: cache << 20, workers: workers,
                                    overlayDirectory: overlay ? TemporaryDirectory.systemTemporaryDirectory : nil,
                                    log: { support.complain("reading \(description): \($0)") })
            session = try MountSession.start(view, at: mountPoint, sectorSize: opened.point.metadata.sectorSize,
                                             threads: workers + 2, probeFilesystems: false)
        } catch let failure as FuseMount.Failure {
            support.complain(failure.message)
            throw ExitCode(support.failed)
        } catch {
            support.complain("cannot mount \(opened.description): \(support.reason(error))")
            throw ExitCode(support.exitStatus(for: error))
        }
        let point = mountPoint
        SignalWatcher.start(signals) { _ in
            // Lazily: a loop device still attached keeps reading until it lets go.
            try? FuseMount.unmount(point, lazily: true)
        }
        if !quiet {
            let names = session.mount.view.files.map(\.name).joined(separator: ", ")
            support.complain("mounted \(opened.description) on '\(mountPoint)': \(names)"
                             + (overlay ? " (writable overlay, discarded at unmount)" : " (read-only)"))
        }
        ready?.signal()
        session.waitUntilUnmounted()
    }

    private func backgroundStart() throws -> BackgroundStart.Ready {
        do {
            return try BackgroundStart.fork()
        } catch {
            ImageCommandSupport.complain("cannot start in the background: \(error.description)")
            throw ExitCode(ImageCommandSupport.failed)
        }
    }
}

/// `swdd umount MOUNTPOINT`: ends a `swdd mount` (what `fusermount3 -u` does); the serving
/// process then releases its repository lease and overlay and exits.
struct UmountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umount",
        abstract: "Unmount a swdd mount.")

    @Argument(help: "The directory a swdd mount is mounted on.")
    var mountPoint: String

    @Flag(help: "Detach it now even while in use (a loop device still attached); it goes once the last user lets go.")
    var lazy = false

    func run() throws {
        let support = ImageCommandSupport.self
        let table = MountTable.current()
        // A mount whose server died cannot be resolved (ENOTCONN): then its name as written.
        let entry = table.entry(containing: mountPoint) ?? table.entries.last { $0.mountPoint == mountPoint }
        guard let entry, entry.fileSystemType == "fuse.swdd" else {
            support.complain("'\(mountPoint)' is not a swdd mount")
            throw ExitCode(support.failed)
        }
        do {
            try FuseMount.unmount(entry.mountPoint, lazily: lazy)
        } catch {
            support.complain("cannot unmount '\(mountPoint)': \(error.reason)" + (error.code == .resourceBusy ? " (still in use; --lazy detaches it now)" : ""))
            throw ExitCode(support.failed)
        }
    }
}
