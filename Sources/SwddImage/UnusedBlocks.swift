/// Free space, in the block map's terms: a block is unused only when every byte of it is free,
/// so a block holding any used byte is read, hashed and stored whole.
public enum UnusedBlocks {
    /// The parts of `free` (sorted, disjoint byte ranges) that cover whole blocks of
    /// `blockSize` on the grid from offset 0; the source's last, shorter block counts as whole.
    public static func wholeBlocks(in free: [Range<Int64>], blockSize: Int, sourceSize: Int64) -> [Range<Int64>] {
        let size = Int64(blockSize)
        return free.compactMap { range in
            let lower = (range.lowerBound + size - 1) / size * size
            let upper = range.upperBound >= sourceSize ? sourceSize : range.upperBound / size * size
            return lower < upper ? lower..<upper : nil
        }
    }
}

extension ImageMetadata {
    /// The unused blocks as byte ranges, merged: what a restore leaves alone and a comparison
    /// with a target does not read.
    public var unusedRanges: [Range<Int64>] {
        let size = Int64(blockSize)
        var ranges: [Range<Int64>] = []
        for (block, state) in blockStates.enumerated() where state == .unused {
            let range = Int64(block) * size..<min(sourceSize, Int64(block + 1) * size)
            if let last = ranges.last, last.upperBound == range.lowerBound {
                ranges[ranges.count - 1] = last.lowerBound..<range.upperBound
            } else {
                ranges.append(range)
            }
        }
        return ranges
    }
}
