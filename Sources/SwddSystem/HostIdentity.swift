#if canImport(Glibc)
import Glibc
#endif

/// Who holds a lock: this machine's name and process, and whether a process still runs here.
public enum HostIdentity {
    /// The C function is `gethostname`.
    public static var hostName: String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "localhost" }
        return String(decoding: name.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `kill(pid, 0)`: false only when no such process exists (`ESRCH`); a process of another
    /// user (`EPERM`) is alive.
    public static func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno != ESRCH
    }
}
