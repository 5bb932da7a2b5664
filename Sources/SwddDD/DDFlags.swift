/// The `iflag=`/`oflag=` symbols GNU dd 9.1 accepts on Linux.
///
/// `binary`, `text`, `cio` and `nolinks` are in GNU's table with the value 0 on Linux, so GNU
/// rejects them (`invalid input flag: ‘binary’`), and so do we. The open-flag members map to the
/// `O_…` constant of the same name (the engine translates; `O_DIRECT`'s value is per
/// architecture). `fullblock`, `nocache`, `countBytes`, `skipBytes` and `seekBytes` are GNU's
/// private flags and must never reach `open(2)`.
public struct DDFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `O_APPEND`.
    public static let append = DDFlags(rawValue: 1 << 0)
    /// `O_DIRECT`.
    public static let direct = DDFlags(rawValue: 1 << 1)
    /// `O_DIRECTORY`.
    public static let directory = DDFlags(rawValue: 1 << 2)
    /// `O_DSYNC`.
    public static let dsync = DDFlags(rawValue: 1 << 3)
    /// `O_SYNC` (for input also what GNU's `O_RSYNC` becomes on Linux).
    public static let sync = DDFlags(rawValue: 1 << 4)
    /// `O_NONBLOCK`.
    public static let nonblock = DDFlags(rawValue: 1 << 5)
    /// `O_NOATIME`.
    public static let noatime = DDFlags(rawValue: 1 << 6)
    /// `O_NOCTTY`.
    public static let noctty = DDFlags(rawValue: 1 << 7)
    /// `O_NOFOLLOW`.
    public static let nofollow = DDFlags(rawValue: 1 << 8)
    /// Drop the page cache (`posix_fadvise(DONTNEED)`), GNU's private `O_NOCACHE`.
    public static let nocache = DDFlags(rawValue: 1 << 9)
    /// Accumulate full input blocks (iflag only), GNU's `O_FULLBLOCK`.
    public static let fullblock = DDFlags(rawValue: 1 << 10)
    /// `count=` counts bytes (meaningful in iflag; GNU accepts and ignores it in oflag).
    public static let countBytes = DDFlags(rawValue: 1 << 11)
    /// `skip=` counts bytes (meaningful in iflag; ignored in oflag).
    public static let skipBytes = DDFlags(rawValue: 1 << 12)
    /// `seek=` counts bytes (meaningful in oflag; ignored in iflag).
    public static let seekBytes = DDFlags(rawValue: 1 << 13)

    /// GNU's table, in its order, without the entries whose value is 0 on Linux.
    public static let symbols: [(String, DDFlags)] = [
        ("append", .append),
        ("direct", .direct),
        ("directory", .directory),
        ("dsync", .dsync),
        ("noatime", .noatime),
        ("nocache", .nocache),
        ("noctty", .noctty),
        ("nofollow", .nofollow),
        ("nonblock", .nonblock),
        ("sync", .sync),
        ("fullblock", .fullblock),
        ("count_bytes", .countBytes),
        ("skip_bytes", .skipBytes),
        ("seek_bytes", .seekBytes),
    ]

    /// The members that are real `open(2)` flags, i.e. everything but GNU's private ones.
    public var openFlags: DDFlags {
        subtracting([.nocache, .fullblock, .countBytes, .skipBytes, .seekBytes])
    }
}
