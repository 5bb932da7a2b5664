#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// `open(2)` / `fcntl(F_SETFL)` flags, with the architecture-dependent values read from C.
public struct OpenFlags: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let readOnly = OpenFlags([])
    public static let writeOnly = OpenFlags(rawValue: O_WRONLY)
    public static let readWrite = OpenFlags(rawValue: O_RDWR)
    public static let create = OpenFlags(rawValue: swdd_flag_creat())
    public static let exclusive = OpenFlags(rawValue: swdd_flag_excl())
    public static let truncate = OpenFlags(rawValue: swdd_flag_trunc())
    public static let append = OpenFlags(rawValue: swdd_flag_append())
    public static let direct = OpenFlags(rawValue: swdd_flag_direct())
    public static let directory = OpenFlags(rawValue: swdd_flag_directory())
    public static let dataSync = OpenFlags(rawValue: swdd_flag_dsync())
    public static let sync = OpenFlags(rawValue: swdd_flag_sync())
    public static let readSync = OpenFlags(rawValue: swdd_flag_rsync())
    public static let nonBlocking = OpenFlags(rawValue: swdd_flag_nonblock())
    public static let noAccessTime = OpenFlags(rawValue: swdd_flag_noatime())
    public static let noControllingTerminal = OpenFlags(rawValue: swdd_flag_noctty())
    public static let noFollow = OpenFlags(rawValue: swdd_flag_nofollow())
    public static let closeOnExec = OpenFlags(rawValue: swdd_flag_cloexec())
}
