/// What an image made with `--used` records about one filesystem of its source (the metadata's
/// filesystems section): where it lies, its type, the bytes it uses, and why it was imaged in
/// full when it was. For `swdd list IMAGE --fs`.
public struct FilesystemRecord: Sendable, Equatable {
    public var offset: Int64
    public var length: Int64
    /// The partition's number; 0 for a filesystem that is the whole source.
    public var partition: Int
    /// libblkid's type name, empty when none was found.
    public var type: String
    /// Bytes in use, by the filesystem's own allocation structures (`length` when kept in full).
    public var usedBytes: Int64
    /// Empty when the free blocks were left out; otherwise why the filesystem was kept in full.
    public var keptInFullBecause: String

    public init(offset: Int64, length: Int64, partition: Int, type: String, usedBytes: Int64, keptInFullBecause: String) {
        self.offset = offset
        self.length = length
        self.partition = partition
        self.type = type
        self.usedBytes = usedBytes
        self.keptInFullBecause = keptInFullBecause
    }
}
