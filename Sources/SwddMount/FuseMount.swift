#if canImport(Glibc)
import Glibc
#endif
import CFuse
import SwddSystem

/// A `DiskView` served through FUSE (libfuse3's low-level API) at a mount point: a directory
/// of regular files, read-only (`ro`: the kernel answers writes with EROFS) unless the view
/// has an overlay. The low-level API, not the path-based one, because a read is answered
/// with `fuse_reply_iov` straight from the view's decoded chunks (the path-based API reads into
/// a buffer of its own, one more copy of every byte). Inode 1 is the directory, inode 2 + i
/// the view's file i. libfuse calls plain C functions, so the callbacks find the view through
/// the user data handed to `fuse_session_new` (`fuse_req_userdata`).
public final class FuseMount: @unchecked Sendable {
    public let mountPoint: String
    public let view: DiskView
    private let session: OpaquePointer
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
            let session = swdd_fuse_session_new(&args, &operations, context.toOpaque())
            fuse_opt_free_args(&args)
            return session
        }
        guard let session = made else {
            context.release()
            for pointer in arguments { free(pointer) }
            throw Failure(message: "libfuse refused the mount options")
        }
        guard fuse_session_mount(session, mountPoint) == 0 else {
            fuse_session_destroy(session)
            context.release()
            for pointer in arguments { free(pointer) }
            throw Failure(message: "cannot mount at '\(mountPoint)'")
        }
        return FuseMount(mountPoint: mountPoint, view: view, session: session, context: context, arguments: arguments)
    }

    private init(mountPoint: String, view: DiskView, session: OpaquePointer, context: Unmanaged<DiskView>, arguments: [UnsafeMutablePointer<CChar>?]) {
        self.mountPoint = mountPoint
        self.view = view
        self.session = session
        self.context = context
        self.arguments = arguments
    }

    /// Serves requests on up to `threads` threads of libfuse's until the filesystem is unmounted
    /// (`swdd umount`, `fusermount3 -u`, `unmount(lazily:)`); returns libfuse's result (0: it was).
    public func serve(threads: Int) -> Int32 {
        swdd_fuse_session_loop(session, UInt32(max(2, threads)))
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
        fuse_session_unmount(session)
        fuse_session_destroy(session)
        context.release()
        for pointer in arguments { free(pointer) }
        arguments = []
    }

    /// How long the kernel may keep names and attributes: the files never change once listed
    /// (an overlay's writes go through the mount). A name not found is not kept (a zero
    /// timeout: an error reply), since the partitions are added after the mount is up.
    private static let attributeSeconds = 86400.0

    private static let directoryInode: fuse_ino_t = 1

    private static func view(_ request: fuse_req_t?) -> DiskView? {
        guard let request, let raw = fuse_req_userdata(request) else { return nil }
        return Unmanaged<DiskView>.fromOpaque(raw).takeUnretainedValue()
    }

    /// The index in the view of the file with `inode`.
    private static func fileIndex(_ inode: fuse_ino_t, in view: DiskView) -> Int? {
        guard inode >= 2, Int(inode - 2) < view.files.count else { return nil }
        return Int(inode - 2)
    }

    /// The attributes of `inode`; nil for an inode that names nothing.
    private static func attributes(_ inode: fuse_ino_t, in view: DiskView) -> stat? {
        var status = stat()
        status.st_ino = __ino_t(inode)
        status.st_uid = getuid()
        status.st_gid = getgid()
        if inode == directoryInode {
            status.st_mode = S_IFDIR | (view.isWritable ? 0o755 : 0o555)
            status.st_nlink = 2
            return status
        }
        guard let index = fileIndex(inode, in: view) else { return nil }
        let file = view.files[index]
        status.st_mode = S_IFREG | (view.isWritable ? 0o644 : 0o444)
        status.st_nlink = 1
        status.st_size = Int(file.size)
        // A reader that sizes its buffer by st_blksize (cat, cp) asks for a whole chunk per
        // read: one request, served out of one decoded chunk.
        status.st_blksize = max(4096, view.chunks.chunkSize)
        status.st_blocks = Int((file.size + 511) / 512)
        return status
    }

    private static func reply(_ request: fuse_req_t?, _ outcome: DiskView.Outcome, written: Bool) {
        switch outcome {
        case .bytes(let count) where written: fuse_reply_write(request, count)
        case .bytes: break  // a read's reply was sent with its bytes
        case .failed(let code): fuse_reply_err(request, code.rawValue)
        }
    }

    private static func operations() -> fuse_lowlevel_ops {
        var operations = fuse_lowlevel_ops()
        operations.lookup = { request, parent, name in
            guard let view = FuseMount.view(request), let name else { fuse_reply_err(request, EIO); return }
            let wanted = String(cString: name)
            guard parent == FuseMount.directoryInode, let index = view.files.firstIndex(where: { $0.name == wanted }),
                  let status = FuseMount.attributes(fuse_ino_t(index + 2), in: view) else { fuse_reply_err(request, ENOENT); return }
            var entry = fuse_entry_param()
            entry.ino = fuse_ino_t(index + 2)
            entry.attr = status
            entry.attr_timeout = FuseMount.attributeSeconds
            entry.entry_timeout = FuseMount.attributeSeconds
            fuse_reply_entry(request, &entry)
        }
        operations.getattr = { request, inode, _ in
            guard let view = FuseMount.view(request) else { fuse_reply_err(request, EIO); return }
            guard var status = FuseMount.attributes(inode, in: view) else { fuse_reply_err(request, ENOENT); return }
            fuse_reply_attr(request, &status, FuseMount.attributeSeconds)
        }
        // The files keep the disk's sizes: truncating one to its own size (O_TRUNC on a
        // device-like file) is allowed, any other size is not; modes, owners and times are not kept.
        operations.setattr = { request, inode, wanted, changes, _ in
            guard let view = FuseMount.view(request), let wanted else { fuse_reply_err(request, EIO); return }
            guard var status = FuseMount.attributes(inode, in: view) else { fuse_reply_err(request, ENOENT); return }
            guard view.isWritable else { fuse_reply_err(request, EROFS); return }
            guard changes & FUSE_SET_ATTR_SIZE != 0, changes & ~(FUSE_SET_ATTR_SIZE | FUSE_SET_ATTR_CTIME) == 0 else {
                fuse_reply_err(request, ENOSYS); return
            }
            guard inode != FuseMount.directoryInode, wanted.pointee.st_size == status.st_size else { fuse_reply_err(request, EPERM); return }
            fuse_reply_attr(request, &status, FuseMount.attributeSeconds)
        }
        operations.readdir = { request, inode, size, offset, _ in
            guard let view = FuseMount.view(request) else { fuse_reply_err(request, EIO); return }
            guard inode == FuseMount.directoryInode else { fuse_reply_err(request, ENOTDIR); return }
            let names = [(".", FuseMount.directoryInode), ("..", FuseMount.directoryInode)]
                + view.files.enumerated().map { ($0.element.name, fuse_ino_t($0.offset + 2)) }
            var buffer = [CChar](repeating: 0, count: size)
            var used = 0
            buffer.withUnsafeMutableBufferPointer { bytes in
                for (position, (name, entryInode)) in names.enumerated().dropFirst(Int(max(0, offset))) {
                    var status = stat()
                    status.st_ino = __ino_t(entryInode)
                    status.st_mode = entryInode == FuseMount.directoryInode ? S_IFDIR : S_IFREG
                    let needed = fuse_add_direntry(request, bytes.baseAddress! + used, size - used, name, &status, off_t(position + 1))
                    if needed > size - used { break }  // the kernel's buffer is full: it asks again from here
                    used += needed
                }
            }
            fuse_reply_buf(request, buffer, used)
        }
        operations.open = { request, inode, info in
            guard let view = FuseMount.view(request), let info else { fuse_reply_err(request, EIO); return }
            guard inode != FuseMount.directoryInode else { fuse_reply_err(request, EISDIR); return }
            guard let index = FuseMount.fileIndex(inode, in: view) else { fuse_reply_err(request, ENOENT); return }
            if info.pointee.flags & O_ACCMODE != O_RDONLY && !view.isWritable { fuse_reply_err(request, EROFS); return }
            info.pointee.fh = UInt64(index)
            // Reads go to the view as the reader asks, past the page cache: a partition
            // loop-mounted from the mount is cached once, by the filesystem on the loop device,
            // not a second time here, and a sequential reader costs no new page-cache pages
            // (filling fresh pages cost more than decoding: in scripts/bench-mount, cat of the
            // 2 GiB disk took 1.9 s of CPU through the page cache, 0.9 s past it). Repeated reads
            // come from the cache of decoded chunks instead. A shared mmap of the files is
            // refused (ENODEV; libfuse 3.14 cannot ask for FUSE_DIRECT_IO_ALLOW_MMAP).
            info.pointee.direct_io = 1
            fuse_reply_open(request, info)
        }
        operations.read = { request, _, size, offset, info in
            guard let view = FuseMount.view(request), let info else { fuse_reply_err(request, EIO); return }
            let outcome = view.read(file: Int(info.pointee.fh), at: Int64(offset), count: size) { pieces in
                withUnsafeTemporaryAllocation(of: iovec.self, capacity: max(1, pieces.count)) { vectors in
                    for (at, piece) in pieces.enumerated() {
                        vectors.initializeElement(at: at, to: iovec(iov_base: UnsafeMutableRawPointer(mutating: piece.baseAddress), iov_len: piece.count))
                    }
                    fuse_reply_iov(request, vectors.baseAddress, Int32(pieces.count))
                }
            }
            FuseMount.reply(request, outcome, written: false)
        }
        operations.write = { request, _, bytes, size, offset, info in
            guard let view = FuseMount.view(request), let bytes, let info else { fuse_reply_err(request, EIO); return }
            FuseMount.reply(request, view.write(file: Int(info.pointee.fh), at: Int64(offset), UnsafeRawBufferPointer(start: bytes, count: size)), written: true)
        }
        operations.flush = { request, _, _ in fuse_reply_err(request, 0) }
        operations.fsync = { request, _, _, _ in fuse_reply_err(request, 0) }
        operations.release = { request, _, _ in fuse_reply_err(request, 0) }
        return operations
    }
}
