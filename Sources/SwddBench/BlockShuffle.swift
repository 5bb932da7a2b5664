/// A random-looking permutation of the block numbers `0..<count`, computed from the index alone
/// so that workers sharing one counter each get a distinct block without a shared table.
/// Like fio's random map, every block is visited once per pass, so a buffered random read never
/// lands on a page an earlier read of the same test brought into the cache.
///
/// The mixing function is a bijection on `[0, 2^k)` (multiplying by an odd number and xor-shifting
/// are both invertible modulo 2^k); cycle-walking past values `>= count` keeps it a bijection on
/// `[0, count)`, at fewer than two steps on average since `2^k < 2 * count`.
public struct BlockShuffle: Sendable {
    public let count: Int64
    private let mask: UInt64
    private let shift: UInt64
    private let seed: UInt64

    public init(count: Int64, seed: UInt64 = 0x2545_F491_4F6C_DD1D) {
        self.count = max(count, 1)
        var bits: UInt64 = 1
        while (UInt64(1) << bits) < UInt64(self.count) { bits += 1 }
        mask = (UInt64(1) << bits) - 1
        shift = max(1, bits / 2)
        self.seed = seed
    }

    /// The block visited at position `index` (`0 ..< count`).
    public func block(at index: Int64) -> Int64 {
        var x = UInt64(index) & mask
        repeat {
            x = mix(x)
        } while x >= UInt64(count)
        return Int64(x)
    }

    private func mix(_ value: UInt64) -> UInt64 {
        var x = (value &* 0x9E37_79B9_7F4A_7C15 &+ seed) & mask
        x ^= x >> shift
        x = (x &* 0xBF58_476D_1CE4_E5B9) & mask
        x ^= x >> shift
        x = (x &* 0x94D0_49BB_1331_11EB) & mask
        x ^= x >> shift
        return x
    }
}
