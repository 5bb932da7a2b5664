#if canImport(Glibc)
import Glibc
#endif
import SwddSystem

/// The kernel's read-ahead window of a FUSE mount. The kernel reads a FUSE file ahead 128 KiB
/// at a time (the bdi default; the filesystem may only lower it at init), so a sequential
/// reader of `disk` costs a request, a thread wake-up and a reply per 128 KiB. As root, the
/// mount's bdi (`/sys/class/bdi/MAJOR:MINOR`, the mount's anonymous device) can be given a
/// window of one decoded chunk, which libfuse 3's 1 MiB requests then carry whole: fewer,
/// larger requests, each served out of one chunk (in paired runs on a 1 GiB disk-like image a
/// small gain, within the shared machine's noise). Without root it stays as it is.
enum KernelReadAhead {
    /// Sets the read-ahead of the filesystem mounted at `mountPoint` to `kilobytes`; says
    /// whether it could (it cannot without root, or where sysfs is read-only).
    @discardableResult
    static func set(mountPoint: String, kilobytes: Int) -> Bool {
        guard geteuid() == 0, let status = try? FileStatus.of(path: mountPoint) else { return false }
        // glibc's major()/minor() are macros Swift cannot call: the same bit layout.
        let device = status.device
        let major = (device >> 8) & 0xfff | (device >> 32) & ~0xfff
        let minor = device & 0xff | (device >> 12) & ~0xff
        let path = "/sys/class/bdi/\(major):\(minor)/read_ahead_kb"
        guard let file = try? FileDescriptor.open(path, flags: [.writeOnly, .closeOnExec]) else { return false }
        defer { try? file.close() }
        return (try? file.writeAll(text: "\(kilobytes)\n")) != nil
    }
}
