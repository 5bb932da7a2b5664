/// Why a file is not an image swdd can use, found before anything is written to a target.
public enum ImageFormatError: Error, Equatable, Sendable {
    /// Not a swdd image at all (another file, a plain zstd stream): the reason says what is missing.
    case notAnImage(String)
    /// Shorter than its own seek table says: a copy cut off, or an image still being written.
    case truncated(expected: Int64, actual: Int64)
    /// A structure or frame does not check out at `offset` (in the image file).
    case damaged(offset: Int64, String)
    case unsupportedVersion(UInt16)
    /// The images of a chain do not fit together, or a needed parent is missing.
    case brokenChain(String)
    /// Encrypted, and no key file was given (`keyID`: the one it needs).
    case needsKey(keyID: String)
    /// Encrypted with the key `keyID`; the key file given is another (`given`).
    case wrongKey(keyID: String, given: String)

    /// Whether the image is fine but the key is missing or another: a refusal, not damage.
    public var isAboutTheKey: Bool {
        switch self {
        case .needsKey, .wrongKey: true
        default: false
        }
    }

    public var reason: String {
        switch self {
        case .notAnImage(let why): "not a swdd image: \(why)"
        case .truncated(let expected, let actual): "truncated: \(actual) bytes of \(expected)"
        case .damaged(let offset, let why): "damaged at byte \(offset): \(why)"
        case .unsupportedVersion(let version): "format version \(version) is newer than this swdd understands"
        case .brokenChain(let why): "broken chain: \(why)"
        case .needsKey(let id): "it is encrypted with key id \(id): give its key file with --key KEYFILE"
        case .wrongKey(let id, let given): "it is encrypted with key id \(id), not with the key file given (key id \(given))"
        }
    }
}
