/// What `--used` learned about one filesystem of a source: where it lies, what it is, and
/// either the byte ranges its own allocation structures mark in use, or why it is kept in full.
public struct FilesystemUsage: Sendable, Equatable {
    public enum Finding: Sendable, Equatable {
        /// Everything the filesystem uses lies in these ranges (offsets in the source, sorted,
        /// disjoint, inside `range`); the rest of `range` is free.
        case used([Range<Int64>])
        /// Imaged in full, and why (one clause: "mounted read-write", "marked dirty", …).
        case keptInFull(String)
    }

    /// libblkid's type name: `ext4`, `vfat`, `exfat`, `swap`, `xfs`, …
    public var type: String
    /// The filesystem's bytes in the source: a partition, or the whole source.
    public var range: Range<Int64>
    /// The partition's number, nil for a bare filesystem.
    public var partition: Int?
    public var finding: Finding

    public init(type: String, range: Range<Int64>, partition: Int?, finding: Finding) {
        self.type = type
        self.range = range
        self.partition = partition
        self.finding = finding
    }

    /// Bytes in use (all of them for a filesystem kept in full).
    public var usedBytes: Int64 {
        switch finding {
        case .used(let ranges): ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) }
        case .keptInFull: range.upperBound - range.lowerBound
        }
    }

    /// The free ranges of `range`: what the used ranges leave (none for one kept in full).
    public var freeRanges: [Range<Int64>] {
        guard case .used(let used) = finding else { return [] }
        var free: [Range<Int64>] = []
        var position = range.lowerBound
        for piece in used {
            if piece.lowerBound > position { free.append(position..<piece.lowerBound) }
            position = max(position, piece.upperBound)
        }
        if position < range.upperBound { free.append(position..<range.upperBound) }
        return free
    }
}

/// Why a filesystem's allocation structures are not trusted: the reason, for the one-line notice.
struct UntrustedAllocation: Error, Sendable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Sorted, disjoint ranges built in order, touching pieces merged (allocation maps come in runs).
struct RangeCollector {
    private(set) var ranges: [Range<Int64>] = []

    mutating func add(_ range: Range<Int64>) {
        guard !range.isEmpty else { return }
        if let last = ranges.last, last.upperBound >= range.lowerBound {
            ranges[ranges.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
        } else {
            ranges.append(range)
        }
    }

    /// The pieces, sorted and merged whatever order they were added in.
    func normalized() -> [Range<Int64>] {
        var sorted = RangeCollector()
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) { sorted.add(range) }
        return sorted.ranges
    }
}
