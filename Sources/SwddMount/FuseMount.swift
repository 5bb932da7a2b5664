#if canImport(Glibc)
import Glibc
#endif
import CFuse
import SwddSystem

/// A `DiskView` served through FUSE (libfuse3's high-level API) at a mount point: a directory
/// of regular files, read-only (`ro`: the kernel answers writes with EROFS) unless the view
/// has an overlay. libfuse calls plain C functions, so the callbacks find the view through the
/// context pointer handed to `fuse_new` (`fuse_get_context()->private_data`).
public final class FuseMount: @unchecked Sendable {
    public let mountPoint: String
    public let view: DiskView
    private let fuse: OpaquePointer
    private let context: Unmanaged<DiskView>
    private var arguments: [UnsafeMutablePointer<CChar>?]
    private var destroyed = false

    /// Why a mount could not be made.
    public struct Failure: Error, Sendable {
        public var message: String
    }

    /// Mounts `view` at `mountPoint` (an existing directory). libfuse prints its own reason
    /// (`fuse: …`) before this throws.
    public static func mount(_ view: DiskView, at mountPoint: String) throws(Failure) -> FuseMount {
        guard FileSystemPath.exists("/dev/fuse") else { throw Failure(message: "FUSE is not available here (no /dev/fuse; modprobe fuse)") }
        var options = "fsname=swdd,subtype=swdd,default_permissions"
        if !view.isWritable { options += ",ro" }
        let words: [String] = ["swdd", "-o", options]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let context = Unmanaged.passRetained(view)
        var operations = Self.operations()
        let made: OpaquePointer? = arguments.withUnsafeBufferPointer { argv in
            var args = fuse_args(argc: 3, argv: UnsafeMutablePointer(mutating: argv.baseAddress), allocated: 0)
            let fuse = swdd_fuse_new(&args, &operations, context.toOpaque())
            fuse_opt_free_args(&args)
            return fuse
        }
        guard let fuse = made else {
            context.release()
            for pointer in arguments { free(pointer) }
            throw Failure(message: "libfuse refused the mount options")
        }
        guard fuse_mount(fuse, mountPoint) == 0 else {
            fuse_destroy(fuse)
            context.release()
            for pointer in arguments { free(pointer) }
            throw Failure(message: "cannot mount at '\(mountPoint)'")
        }
        return FuseMount(mountPoint: mountPoint, view: view, fuse: fuse, context: context, arguments: arguments)
    }

    private init(mountPoint: String, view: DiskView, fuse: OpaquePointer, context: Unmanaged<DiskView>, arguments: [UnsafeMutablePointer<CChar>?]) {
        self.mountPoint = mountPoint
        self.view = view
        self.fuse = fuse
        self.context = context
        self.arguments = arguments
    }

    /// Serves requests on up to `threads` threads of libfuse's until the filesystem is unmounted
    /// (`swdd umount`, `fusermount3 -u`, `unmount(lazily:)`); returns libfuse's result (0: it was).
    public func serve(threads: Int) -> Int32 {
        swdd_fuse_loop(fuse, UInt32(max(2, threads)))
    }

    /// Unmounts from this process (root: `umount2`; otherwise fusermount3, the setuid helper),
    /// which ends `serve`. `lazily` detaches at once even while files are open (a loop device).
    public func unmount(lazily: Bool) throws(SystemError) {
        try Self.unmount(mountPoint, lazily: lazily)
    }

    /// Unmounts the FUSE filesystem at `path`, whoever serves it.
    public static func unmount(_ path: String, lazily: Bool) throws(SystemError) {
        if Unmount.isPrivileged { return try Unmount.unmount(path, lazily: lazily) }
        let result = try CommandOutput.run("fusermount3", arguments: ["fusermount3", "-u"] + (lazily ? ["-z"] : []) + [path])
        guard result.status == 0 else { throw SystemError("fusermount3 -u", path: path, code: .resourceBusy) }
    }

    /// After `serve` returned: tells libfuse the mount is gone (it unmounts itself if it is not)
    /// and frees it. Once.
    public func destroy() {
        guard !destroyed else { return }
        destroyed = true
        fuse_unmount(fuse)
        fuse_destroy(fuse)
        context.release()
        for pointer in arguments { free(pointer) }
        arguments = []
    }

    /// The view of the request being served.
    private static var currentView: DiskView? {
        guard let raw = fuse_get_context()?.pointee.private_data else { return nil }
        return Unmanaged<DiskView>.fromOpaque(raw).takeUnretainedValue()
    }

    /// The file `/name` names, by its index in the view.
    private static func file(_ path: UnsafePointer<CChar>?, in view: DiskView) -> (index: Int, file: DiskView.File)? {
        guard let path else { return nil }
        let name = String(cString: path)
        guard name.hasPrefix("/") else { return nil }
        let files = view.files
        guard let index = files.firstIndex(where: { $0.name == name.dropFirst() }) else { return nil }
        return (index, files[index])
    }

    private static func operations() -> fuse_operations {
        var operations = fuse_operations()
        operations.`init` = { _, config in
            // The files never change once listed (an overlay's writes go through the mount), so
            // the kernel may keep their names and attributes; a name not found is not kept, since
            // the partitions are added after the mount is up. Their bytes go past the kernel's
            // page cache (`direct_io` at open).
            config?.pointee.entry_timeout = 86400
            config?.pointee.attr_timeout = 86400
            config?.pointee.negative_timeout = 0
            return fuse_get_context()?.pointee.private_data
        }
        operations.getattr = { path, status, _ in
            guard let view = FuseMount.currentView, let path, let status else { return -EIO }
            status.pointee = stat()
            status.pointee.st_uid = getuid()
            status.pointee.st_gid = getgid()
            if String(cString: path) == "/" {
                status.pointee.st_mode = S_IFDIR | (view.isWritable ? 0o755 : 0o555)
                status.pointee.st_nlink = 2
                return 0
            }
            guard let (_, file) = FuseMount.file(path, in: view) else { return -ENOENT }
            status.pointee.st_mode = S_IFREG | (view.isWritable ? 0o644 : 0o444)
            status.pointee.st_nlink = 1
            status.pointee.st_size = Int(file.size)
            // A reader that sizes its buffer by st_blksize (cat, cp) asks for a whole chunk per
            // read: one request, served out of one decoded chunk.
            status.pointee.st_blksize = max(4096, view.chunks.chunkSize)
            status.pointee.st_blocks = Int((file.size + 511) / 512)
            return 0
        }
        operations.readdir = { path, buffer, fill, _, _, _ in
            guard let view = FuseMount.currentView, let path, let fill else { return -EIO }
            guard String(cString: path) == "/" else { return -ENOTDIR }
            for name in [".", ".."] + view.files.map(\.name) {
                if fill(buffer, name, nil, 0, fuse_fill_dir_flags(0)) != 0 { break }  // its buffer is full
            }
            return 0
        }
        operations.open = { path, info in
            guard let view = FuseMount.currentView, let info else { return -EIO }
            guard let (index, _) = FuseMount.file(path, in: view) else { return -ENOENT }
            if info.pointee.flags & O_ACCMODE != O_RDONLY && !view.isWritable { return -EROFS }
            info.pointee.fh = UInt64(index)
            // Reads go to the view as the reader asks, past the page cache: a partition
            // loop-mounted from the mount is cached once, by the filesystem on the loop device,
            // not a second time here, and a sequential reader costs no new page-cache pages
            // (filling fresh pages cost more than decoding: in scripts/bench-mount, cat of the
            // 2 GiB disk took 1.9 s of CPU through the page cache, 0.9 s past it). Repeated reads
            // come from the cache of decoded chunks instead. A shared mmap of the files is
            // refused (ENODEV; libfuse 3.14 cannot ask for FUSE_DIRECT_IO_ALLOW_MMAP).
            info.pointee.direct_io = 1
            return 0
        }
        operations.read = { _, buffer, size, offset, info in
            guard let view = FuseMount.currentView, let buffer, let info else { return -EIO }
            switch view.read(file: Int(info.pointee.fh), at: Int64(offset), into: UnsafeMutableRawBufferPointer(start: buffer, count: size)) {
            case .bytes(let count): return Int32(count)
            case .failed(let code): return -code.rawValue
            }
        }
        operations.write = { _, buffer, size, offset, info in
            guard let view = FuseMount.currentView, let buffer, let info else { return -EIO }
            switch view.write(file: Int(info.pointee.fh), at: Int64(offset), UnsafeRawBufferPointer(start: buffer, count: size)) {
            case .bytes(let count): return Int32(count)
            case .failed(let code): return -code.rawValue
            }
        }
        // The files keep the disk's sizes: truncating one to its own size (O_TRUNC on a
        // device-like file) is allowed, any other size is not.
        operations.truncate = { path, size, _ in
            guard let view = FuseMount.currentView else { return -EIO }
            guard let (_, file) = FuseMount.file(path, in: view) else { return -ENOENT }
            guard view.isWritable else { return -EROFS }
            return Int64(size) == file.size ? 0 : -EPERM
        }
        operations.flush = { _, _ in 0 }
        operations.fsync = { _, _, _ in 0 }
        operations.release = { _, _ in 0 }
        return operations
    }
}
