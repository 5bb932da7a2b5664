import CXXHash
import Crypto
import Synchronization

/// How an image hashes its blocks. The metadata names the algorithm; a reader uses whichever
/// the image says.
public enum BlockHashAlgorithm: UInt16, Sendable, CaseIterable {
    /// XXH3-128 (libxxhash): ~9 GB/s on one core here — far below the compressor's cost.
    case xxh3_128 = 1
    /// SHA-256 (swift-crypto, the CPU's SHA extensions): ~1.7 GB/s on one core, more than zstd -1
    /// itself costs; for users who want a cryptographic hash of every block.
    case sha256 = 2

    public var digestSize: Int {
        switch self {
        case .xxh3_128: 16
        case .sha256: 32
        }
    }

    public var name: String {
        switch self {
        case .xxh3_128: "xxh3-128"
        case .sha256: "sha256"
        }
    }

    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    /// The digest of `bytes`: XXH3-128 in its canonical (big-endian) form, as `xxh128sum` prints it.
    public func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        switch self {
        case .xxh3_128:
            var canonical = XXH128_canonical_t()
            XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.baseAddress, bytes.count))
            return withUnsafeBytes(of: canonical.digest) { Array($0) }
        case .sha256:
            return Array(SHA256.hash(data: bytes))
        }
    }
}

/// The digests of all-zero blocks, computed once per length: zero and hole blocks are never
/// hashed again (a hole is never even read).
final class ZeroDigests: Sendable {
    private let algorithm: BlockHashAlgorithm
    private let cache = Mutex<[Int: [UInt8]]>([:])

    init(_ algorithm: BlockHashAlgorithm) { self.algorithm = algorithm }

    func digest(length: Int) -> [UInt8] {
        if let known = cache.withLock({ $0[length] }) { return known }
        let zeros = [UInt8](repeating: 0, count: length)
        let digest = zeros.withUnsafeBytes { algorithm.digest($0) }
        cache.withLock { $0[length] = digest }
        return digest
    }
}

/// XXH64, the checksum zstd frames carry (its low 32 bits): for the frames swdd builds by hand.
enum FrameChecksum {
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(truncatingIfNeeded: XXH64(bytes.baseAddress, bytes.count, 0))
    }

    /// XXH64 of `length` zero bytes, streamed from a small zero buffer.
    static func ofZeros(length: Int) -> UInt32 {
        guard let state = XXH64_createState() else { return 0 }
        defer { XXH64_freeState(state) }
        XXH64_reset(state, 0)
        let zeros = [UInt8](repeating: 0, count: 1 << 16)
        var left = length
        zeros.withUnsafeBytes { buffer in
            while left > 0 {
                let n = min(left, buffer.count)
                XXH64_update(state, buffer.baseAddress, n)
                left -= n
            }
        }
        return UInt32(truncatingIfNeeded: XXH64_digest(state))
    }
}
