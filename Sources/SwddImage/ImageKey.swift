import Crypto
import SwddSystem

/// A key file's key (`--encrypt KEYFILE`, `--key KEYFILE`): the file's bytes are the input key
/// material of HKDF-SHA256, never used or stored as they are. From them come a key id, which an
/// encrypted image names in its header so a reader can tell which key it needs, and one AES key
/// per image (the image id in HKDF's info), so no two images share a cipher key.
public struct ImageKey: Sendable {
    /// Why a key file cannot be used (one line).
    public struct Unusable: Error, Sendable {
        public var reason: String
    }

    /// Fewer bytes than AES-256's key cannot carry its strength.
    public static let minimumFileSize = 32
    /// More than this is not a key file but a mistake (a disk image, a device).
    static let maximumFileSize = 1 << 20
    static let idSize = 8

    /// A short hash of a value derived apart from every cipher key: it tells keys apart and
    /// reveals nothing of them.
    public let id: [UInt8]
    /// The key file's bytes (kept as bytes: swift-crypto's `SymmetricKey` is not `Sendable`).
    private let material: [UInt8]

    /// The salt of every derivation: this scheme, version 1.
    private static let salt = Array("swdd image encryption 1".utf8)

    public init(keyFileBytes bytes: [UInt8]) throws(Unusable) {
        guard bytes.count >= Self.minimumFileSize else {
            throw Unusable(reason: "it holds \(bytes.count) bytes; a key file needs at least \(Self.minimumFileSize) (e.g. head -c 32 /dev/urandom > KEYFILE)")
        }
        material = bytes
        let idSource = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: bytes), salt: Self.salt, info: Array("key id".utf8), outputByteCount: 32)
        id = Array(idSource.withUnsafeBytes { SHA256.hash(data: $0) }.prefix(Self.idSize))
    }

    /// Reads and derives the key of the file at `path`.
    public static func load(path: String) throws -> ImageKey {
        let file = try FileDescriptor.open(path, flags: [.readOnly, .closeOnExec])
        defer { try? file.close() }
        var bytes = [UInt8](repeating: 0, count: maximumFileSize + 1)
        var got = 0
        while got < bytes.count {
            let n = try bytes.withUnsafeMutableBytes { try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
            if n == 0 { break }
            got += n
        }
        guard got <= maximumFileSize else { throw Unusable(reason: "it is larger than 1 MiB: not a key file") }
        return try ImageKey(keyFileBytes: Array(bytes.prefix(got)))
    }

    /// The id as messages and listings show it: 16 hex digits.
    public var idText: String { ImageWriter.hex(id) }

    /// The cipher of the image with this id: its own AES-256 key, derived with the id in the info.
    func cipher(forImage imageID: [UInt8]) -> FrameCipher {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: material), salt: Self.salt, info: Array("image key".utf8) + imageID,
                                         outputByteCount: 32)
        return FrameCipher(key: key.withUnsafeBytes { Array($0) }, imageID: imageID)
    }
}
