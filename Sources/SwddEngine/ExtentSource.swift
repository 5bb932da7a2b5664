import SwddSystem

/// Reads a regular file or block device range in chunks on a fixed grid (chunk N covers
/// `start + N × chunkSize`), with `pread` at absolute offsets.
///
/// Holes are never read: `SEEK_DATA`/`SEEK_HOLE` find them, a cell wholly inside one becomes a
/// `.hole` chunk, and the hole parts of a cell that also holds data are zero-filled, not read.
/// Devices have no holes, so with `detectsZeros` every data cell read is checked for zeros
/// (`isAllZero`) and marked `.zero`, which later steps treat like a hole.
///
/// Ranges the front end says are not needed (`skipping`: the free space of a filesystem) are
/// not read either: zeros stand in for them, as for holes, and the chunk carries them as
/// `SkippedRanges` so later stages can tell "not read" from "read as zeros".
public final class ExtentSource: ChunkSource {
    private let descriptor: FileDescriptor
    private let end: Int64
    private let seeksHoles: Bool
    private let detectsZeros: Bool
    /// O_DIRECT needs whole sectors: the last read of a range is rounded up to this.
    private let readAlignment: Int
    private let counters: TransferCounters?
    private let keepsGoing: Bool
    private var cursor: Int64
    /// The first hole at or after `searchedFrom`, cached (nil: none before `end`).
    private var hole: Range<Int64>?
    private var searchedFrom: Int64 = .max
    /// Sorted, disjoint ranges not to read; `skipIndex` is the first that may still lie ahead.
    private let skipping: [Range<Int64>]
    private var skipIndex = 0

    /// Read calls made, for tests and the summary: holes must cost none.
    public private(set) var readCalls = 0

    /// - Parameters:
    ///   - range: the bytes to read; its end is the file's or device's size for a whole copy.
    ///   - seeksHoles: look for holes (regular files; a device reports none anyway).
    ///   - readAlignment: the sector size when the descriptor is open with `O_DIRECT`, else 1.
    /// - Parameter keepsGoing: on a read error, read the range again a sector at a time, fill
    ///   what cannot be read with zeros and record it on the chunk (`UnreadableRanges`), as
    ///   ddrescue would; otherwise stop with a `SourceReadError` naming the offset.
    public init(descriptor: FileDescriptor, range: Range<Int64>, seeksHoles: Bool, detectsZeros: Bool,
                readAlignment: Int = 1, keepsGoing: Bool = false, skipping: [Range<Int64>] = [], counters: TransferCounters? = nil) {
        self.keepsGoing = keepsGoing
        self.skipping = skipping
        self.descriptor = descriptor
        self.end = range.upperBound
        self.cursor = range.lowerBound
        self.seeksHoles = seeksHoles
        self.detectsZeros = detectsZeros
        self.readAlignment = max(1, readAlignment)
        self.counters = counters
    }

    public func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        guard cursor < end else { return .end }
        let cellEnd = min(end, cursor + Int64(chunk.capacity))
        let cellLength = Int(cellEnd - cursor)
        let skipped = skipped(in: cursor..<cellEnd)
        let holes = Self.union(try holes(in: cursor..<cellEnd), skipped)
        if !skipped.isEmpty { chunk.attachments[SkippedRanges.self] = SkippedRanges(ranges: skipped) }
        if holes.first == cursor..<cellEnd {
            chunk.markHole(at: cursor, length: cellLength)
        } else {
            chunk.offset = cursor
            var position = cursor
            for gap in holes + [cellEnd..<cellEnd] {
                try read(position..<gap.lowerBound, into: chunk)
                let zeros = Int(gap.upperBound - gap.lowerBound)
                (chunk.base + chunk.count).initializeMemory(as: UInt8.self, repeating: 0, count: zeros)
                chunk.count += zeros
                position = gap.upperBound
            }
            if detectsZeros && isAllZero(chunk.base, count: chunk.count) { chunk.markZero() }
        }
        cursor = cellEnd
        return cursor < end ? .more : .end
    }

    /// Reads `range` to the end of the chunk's bytes. A short read before `end` means the file
    /// shrank under us: that is an error, not a silent zero-fill.
    private func read(_ range: Range<Int64>, into chunk: Chunk) throws {
        guard !range.isEmpty else { return }
        let length = Int(range.upperBound - range.lowerBound)
        let request = min(chunk.freeSpace, (length + readAlignment - 1) / readAlignment * readAlignment)
        readCalls += 1
        let got: Int
        do {
            got = try descriptor.readAll(fromAbsoluteOffset: range.lowerBound, into: chunk.buffer.slice(chunk.count, request))
        } catch {
            guard keepsGoing else { throw SourceReadError(path: descriptor.path, offset: firstUnreadableSector(in: range) ?? range.lowerBound, error: error) }
            try rescue(range, into: chunk)
            return
        }
        guard got >= length else { throw SourceEndedEarly(path: descriptor.path, offset: range.lowerBound + Int64(got)) }
        counters?.addRead(length)
        chunk.count += length
    }

    /// Where in `range` reading first fails, to the sector, for the message.
    private func firstUnreadableSector(in range: Range<Int64>) -> Int64? {
        let sector = Int64(max(readAlignment, 512))
        guard let scratch = AlignedBuffer(capacity: Int(sector), alignment: 4096) else { return nil }
        var position = range.lowerBound
        while position < range.upperBound {
            let next = min(range.upperBound, (position / sector + 1) * sector)
            let length = Int(next - position)
            guard let got = try? descriptor.readAll(fromAbsoluteOffset: position, into: scratch.slice(0, length)), got == length else { return position }
            position = next
        }
        return nil
    }

    /// The range again, a sector at a time: what reads goes in, what fails becomes zeros and a
    /// recorded unreadable range (ddrescue's splitting pass, at sector grain).
    private func rescue(_ range: Range<Int64>, into chunk: Chunk) throws {
        let sector = Int64(max(readAlignment, 512))
        var position = range.lowerBound
        var bad = chunk.attachments[UnreadableRanges.self] ?? UnreadableRanges()
        while position < range.upperBound {
            let next = min(range.upperBound, (position / sector + 1) * sector)
            let length = Int(next - position)
            let slice = chunk.buffer.slice(chunk.count, length)
            readCalls += 1
            if let got = try? descriptor.readAll(fromAbsoluteOffset: position, into: slice), got == length {
                counters?.addRead(length)
            } else {
                slice.initializeMemory(as: UInt8.self, repeating: 0)
                bad.append(position..<next)
            }
            chunk.count += length
            position = next
        }
        chunk.attachments[UnreadableRanges.self] = bad
    }

    /// The ranges not to read inside `cell`, clipped to it, in order.
    private func skipped(in cell: Range<Int64>) -> [Range<Int64>] {
        while skipIndex < skipping.count && skipping[skipIndex].upperBound <= cell.lowerBound { skipIndex += 1 }
        var found: [Range<Int64>] = []
        var index = skipIndex
        while index < skipping.count && skipping[index].lowerBound < cell.upperBound {
            let clipped = max(skipping[index].lowerBound, cell.lowerBound)..<min(skipping[index].upperBound, cell.upperBound)
            if !clipped.isEmpty { found.append(clipped) }
            index += 1
        }
        return found
    }

    /// Two sorted lists of ranges as one, overlapping and touching ranges merged.
    static func union(_ a: [Range<Int64>], _ b: [Range<Int64>]) -> [Range<Int64>] {
        guard !b.isEmpty else { return a }
        var merged: [Range<Int64>] = []
        for range in (a + b).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, last.upperBound >= range.lowerBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// The holes inside `cell`, in order (none when holes are not looked for).
    private func holes(in cell: Range<Int64>) throws(SystemError) -> [Range<Int64>] {
        guard seeksHoles else { return [] }
        var found: [Range<Int64>] = []
        var position = cell.lowerBound
        while position < cell.upperBound {
            // The cached answer holds from where it was asked up to the end of its hole.
            if position < searchedFrom || (hole.map { position >= $0.upperBound } ?? false) {
                hole = try descriptor.nextHole(from: position, limit: end)
                searchedFrom = position
            }
            guard let next = hole, next.lowerBound < cell.upperBound else { break }
            let clipped = max(next.lowerBound, position)..<min(next.upperBound, cell.upperBound)
            found.append(clipped)
            position = clipped.upperBound
        }
        return found
    }
}

/// A read of the source failed (an unreadable sector): where, and why.
public struct SourceReadError: Error, Equatable, Sendable {
    public var path: String?
    public var offset: Int64
    public var error: SystemError

    public init(path: String?, offset: Int64, error: SystemError) {
        self.path = path
        self.offset = offset
        self.error = error
    }
}

/// The byte ranges of a chunk's source that could not be read (zeros stand in for them).
public struct UnreadableRanges: Sendable, Equatable {
    public private(set) var ranges: [Range<Int64>] = []

    public init() {}

    /// Adds a range, merged with the last one when they touch.
    public mutating func append(_ range: Range<Int64>) {
        if let last = ranges.last, last.upperBound == range.lowerBound {
            ranges[ranges.count - 1] = last.lowerBound..<range.upperBound
        } else {
            ranges.append(range)
        }
    }
}

/// The ranges of a chunk its source was told not to read (`ExtentSource`'s `skipping`): the
/// buffer holds zeros there.
public struct SkippedRanges: Sendable, Equatable {
    public var ranges: [Range<Int64>]

    public init(ranges: [Range<Int64>]) { self.ranges = ranges }

    /// Whether `range` lies wholly inside one skipped range.
    public func covers(_ range: Range<Int64>) -> Bool {
        ranges.contains { $0.lowerBound <= range.lowerBound && $0.upperBound >= range.upperBound }
    }
}

/// The source ended before the size it had when the copy began: it shrank, or a device
/// went away. Never papered over with zeros.
public struct SourceEndedEarly: Error, Equatable, Sendable {
    public var path: String?
    public var offset: Int64

    public init(path: String?, offset: Int64) {
        self.path = path
        self.offset = offset
    }
}
