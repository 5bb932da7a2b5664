/// The byte ranges of a disk written through an overlay, kept sorted and merged, so a read
/// knows which of its parts come from the overlay's store and which from the image.
struct WrittenRanges: Sendable {
    /// Sorted, disjoint and not touching: `[start, end)`.
    private(set) var ranges: [Range<Int64>] = []

    mutating func insert(_ range: Range<Int64>) {
        guard !range.isEmpty else { return }
        var merged = range
        // Every range that overlaps or touches the new one is merged into it.
        let first = ranges.firstIndex { $0.upperBound >= range.lowerBound } ?? ranges.count
        var last = first
        while last < ranges.count && ranges[last].lowerBound <= range.upperBound {
            merged = min(merged.lowerBound, ranges[last].lowerBound)..<max(merged.upperBound, ranges[last].upperBound)
            last += 1
        }
        ranges.replaceSubrange(first..<last, with: [merged])
    }

    /// The written parts of `range`, in order.
    func written(in range: Range<Int64>) -> [Range<Int64>] {
        guard let first = ranges.firstIndex(where: { $0.upperBound > range.lowerBound }) else { return [] }
        var parts: [Range<Int64>] = []
        for written in ranges[first...] {
            if written.lowerBound >= range.upperBound { break }
            parts.append(max(written.lowerBound, range.lowerBound)..<min(written.upperBound, range.upperBound))
        }
        return parts
    }
}
