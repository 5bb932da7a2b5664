/// The `conv=` symbols, as GNU dd 9.1's `conversions[]` table defines them.
///
/// A symbol can set more than its own bit, exactly as in GNU: `ascii` also sets `unblock`,
/// `ebcdic`/`ibm` also set `block`, and every symbol that changes bytes sets ``twoBuffers``.
/// ``DDSettings`` later drops `block`/`unblock` when `cbs=` was not given, and adds
/// ``twoBuffers`` when `bs=` was not given.
public struct DDConversions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// EBCDIC to ASCII (GNU `C_ASCII`).
    public static let ascii = DDConversions(rawValue: 1 << 0)
    /// ASCII to EBCDIC (`C_EBCDIC`).
    public static let ebcdic = DDConversions(rawValue: 1 << 1)
    /// ASCII to IBM's alternate EBCDIC (`C_IBM`).
    public static let ibm = DDConversions(rawValue: 1 << 2)
    /// Newline-terminated records padded with spaces to `cbs` (`C_BLOCK`).
    public static let block = DDConversions(rawValue: 1 << 3)
    /// `cbs`-sized records with trailing spaces replaced by a newline (`C_UNBLOCK`).
    public static let unblock = DDConversions(rawValue: 1 << 4)
    /// Upper to lower case (`C_LCASE`).
    public static let lcase = DDConversions(rawValue: 1 << 5)
    /// Lower to upper case (`C_UCASE`).
    public static let ucase = DDConversions(rawValue: 1 << 6)
    /// Swap every pair of input bytes (`C_SWAB`).
    public static let swab = DDConversions(rawValue: 1 << 7)
    /// Continue after read errors (`C_NOERROR`).
    public static let noerror = DDConversions(rawValue: 1 << 8)
    /// Do not truncate the output file (`C_NOTRUNC`).
    public static let notrunc = DDConversions(rawValue: 1 << 9)
    /// Pad every input block to `ibs` (`C_SYNC`).
    public static let sync = DDConversions(rawValue: 1 << 10)
    /// Separate input and output buffers, partial reads gathered into `obs`-sized writes
    /// (`C_TWOBUFS`). Not a symbol: set by the conversions that need it and when `bs=` is absent.
    public static let twoBuffers = DDConversions(rawValue: 1 << 11)
    /// Do not create the output file (`C_NOCREAT`).
    public static let nocreat = DDConversions(rawValue: 1 << 12)
    /// Fail if the output file exists (`C_EXCL`).
    public static let excl = DDConversions(rawValue: 1 << 13)
    /// `fdatasync` the output before finishing (`C_FDATASYNC`).
    public static let fdatasync = DDConversions(rawValue: 1 << 14)
    /// `fsync` the output before finishing (`C_FSYNC`).
    public static let fsync = DDConversions(rawValue: 1 << 15)
    /// Seek over all-NUL output blocks instead of writing them (`C_SPARSE`).
    public static let sparse = DDConversions(rawValue: 1 << 16)

    /// GNU's table, in its order: symbol and the bits it sets.
    public static let symbols: [(String, DDConversions)] = [
        ("ascii", [.ascii, .unblock, .twoBuffers]),
        ("ebcdic", [.ebcdic, .block, .twoBuffers]),
        ("ibm", [.ibm, .block, .twoBuffers]),
        ("block", [.block, .twoBuffers]),
        ("unblock", [.unblock, .twoBuffers]),
        ("lcase", [.lcase, .twoBuffers]),
        ("ucase", [.ucase, .twoBuffers]),
        ("sparse", [.sparse]),
        ("swab", [.swab, .twoBuffers]),
        ("noerror", [.noerror]),
        ("nocreat", [.nocreat]),
        ("excl", [.excl]),
        ("notrunc", [.notrunc]),
        ("sync", [.sync]),
        ("fdatasync", [.fdatasync]),
        ("fsync", [.fsync]),
    ]
}
