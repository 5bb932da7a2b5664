/// How an image of one of bmaptool's pairs is compressed, told by its name as bmaptool tells it.
/// zstd is decoded in-process (libzstd); gzip, xz and bzip2 by the system's own decompressor
/// run as a child, whose output is read as a stream.
public enum BmapImageCompression: Sendable, Equatable {
    case none
    case zstd
    /// A program that writes the decompressed image to its standard output.
    case decompressor([String])

    /// Compressions bmaptool reads that swdd does not (no decompressor it runs): refused by name.
    public static let unsupportedSuffixes = [".lz4", ".lzo", ".zip", ".tgz", ".tar"]

    public init(imagePath path: String) {
        if path.hasSuffix(".zst") {
            self = .zstd
        } else if path.hasSuffix(".gz") {
            self = .decompressor(["gzip", "-dc"])
        } else if path.hasSuffix(".xz") {
            self = .decompressor(["xz", "-dc"])
        } else if path.hasSuffix(".bz2") {
            self = .decompressor(["bzip2", "-dc"])
        } else {
            self = .none
        }
    }
}
