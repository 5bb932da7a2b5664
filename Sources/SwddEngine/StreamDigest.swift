import Crypto

/// A digest algorithm a front end can ask for (dd mode's `hash=`, later image checksums).
public enum DigestAlgorithm: String, CaseIterable, Sendable {
    case md5, sha1, sha256, sha512

    /// The name in a BSD-style checksum line (`SHA256 (file) = …`), which `sha256sum -c`,
    /// `md5sum -c` and `cksum -c` all read.
    public var tag: String {
        switch self {
        case .md5: "MD5"
        case .sha1: "SHA1"
        case .sha256: "SHA256"
        case .sha512: "SHA512"
        }
    }
}

/// A running digest of a byte stream, fed in order (swift-crypto: SHA-256 uses the CPU's SHA
/// extensions where it has them). swift-crypto's hashers are values without a Sendable mark;
/// a digest is fed by one thread at a time (its stage's, behind a lock), hence unchecked.
public struct StreamDigest: @unchecked Sendable {
    private enum State {
        case md5(Insecure.MD5)
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
        case sha512(SHA512)
    }

    public let algorithm: DigestAlgorithm
    private var state: State

    public init(_ algorithm: DigestAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .md5: state = .md5(Insecure.MD5())
        case .sha1: state = .sha1(Insecure.SHA1())
        case .sha256: state = .sha256(SHA256())
        case .sha512: state = .sha512(SHA512())
        }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .md5(var h): h.update(bufferPointer: bytes); state = .md5(h)
        case .sha1(var h): h.update(bufferPointer: bytes); state = .sha1(h)
        case .sha256(var h): h.update(bufferPointer: bytes); state = .sha256(h)
        case .sha512(var h): h.update(bufferPointer: bytes); state = .sha512(h)
        }
    }

    /// The digest of everything fed so far, in lower-case hex as `sha256sum` prints it.
    public func hexDigest() -> String {
        let bytes: [UInt8]
        switch state {
        case .md5(let h): bytes = Array(h.finalize())
        case .sha1(let h): bytes = Array(h.finalize())
        case .sha256(let h): bytes = Array(h.finalize())
        case .sha512(let h): bytes = Array(h.finalize())
        }
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
