import SwddDisks
import SwddSystem

/// A `DiskView` mounted and being served on a thread of its own, its partitions found: what
/// `swdd mount` waits on and what `verify --fsck` runs checkers against. The partition table
/// is read through the mount itself (libblkid on `MOUNTPOINT/disk`), so it is read exactly as
/// any program would read it, from whichever images of the chain hold its blocks.
public final class MountSession: @unchecked Sendable {
    public let mount: FuseMount
    /// libblkid's view of the disk: its table and, when asked, each partition's filesystem.
    public let disk: DiskDescription?
    private let server: IOThread
    private var finished = false

    /// Mounts `view` at `mountPoint`, serves it, and adds a file for each partition.
    /// `probeFilesystems` also asks libblkid what each partition holds.
    public static func start(_ view: DiskView, at mountPoint: String, sectorSize: Int, threads: Int,
                             probeFilesystems: Bool) throws(FuseMount.Failure) -> MountSession {
        let mount = try FuseMount.mount(view, at: mountPoint)
        guard let server = IOThread.start({ _ = mount.serve(threads: threads) }) else {
            try? mount.unmount(lazily: true)
            mount.destroy()
            throw FuseMount.Failure(message: "cannot start a thread to serve '\(mountPoint)'")
        }
        let disk = examine(mountPoint + "/disk", size: view.diskSize, sectorSize: sectorSize, filesystems: probeFilesystems)
        if let disk {
            let sector = Int64(disk.logicalSectorSize)
            view.addPartitions((disk.table?.partitions ?? []).filter { !$0.isExtended }.map {
                DiskView.File(name: "p\($0.number)", offset: Int64($0.start) * sector, size: Int64($0.sectors) * sector)
            })
        }
        return MountSession(mount: mount, disk: disk, server: server)
    }

    private init(mount: FuseMount, disk: DiskDescription?, server: IOThread) {
        self.mount = mount
        self.disk = disk
        self.server = server
    }

    /// The disk's table and filesystems as libblkid reads them through the mount; nil when it
    /// cannot be read (a damaged first chunk: the mount still serves `disk`).
    private static func examine(_ path: String, size: Int64, sectorSize: Int, filesystems: Bool) -> DiskDescription? {
        guard let descriptor = try? FileDescriptor.open(path, flags: [.readOnly, .closeOnExec]) else { return nil }
        defer { try? descriptor.close() }
        return try? DiskExamination.examine(standIn: descriptor, name: path, size: UInt64(size), sectorSize: sectorSize,
                                            filesystems: filesystems)
    }

    /// Waits until the filesystem is unmounted (by `swdd umount`, fusermount3 -u, or
    /// `stop`), then frees it and the view's workers. Once.
    public func waitUntilUnmounted() {
        guard !finished else { return }
        finished = true
        server.join()
        mount.destroy()
        mount.view.close()
    }

    /// Unmounts (lazily when something still holds it open) and waits for the end.
    public func stop() {
        if (try? mount.unmount(lazily: false)) == nil { try? mount.unmount(lazily: true) }
        waitUntilUnmounted()
    }
}
