import Synchronization

/// An ordered stage that digests the stream as it passes: on its own thread, so hashing chunk N
/// overlaps reading N+1 and writing N-1 instead of adding to either (dd mode's `hash=`).
/// A hole's zeros count as stream bytes, whether or not its chunk holds them.
public final class DigestStage: ChunkStage {
    private let digest: Mutex<StreamDigest>
    private let zeros = [UInt8](repeating: 0, count: 1 << 16)

    public init(_ algorithm: DigestAlgorithm) { digest = Mutex(StreamDigest(algorithm)) }

    public func process(_ chunk: Chunk) throws {
        digest.withLock { digest in
            digest.update(chunk.bytes)
            var missing = chunk.length - chunk.count
            zeros.withUnsafeBytes { zeros in
                while missing > 0 {
                    let n = min(missing, zeros.count)
                    digest.update(UnsafeRawBufferPointer(rebasing: zeros[..<n]))
                    missing -= n
                }
            }
        }
    }

    /// The digest of every byte processed so far (the whole stream once the run has ended).
    public var result: (algorithm: DigestAlgorithm, hex: String) {
        digest.withLock { ($0.algorithm, $0.hexDigest()) }
    }
}
