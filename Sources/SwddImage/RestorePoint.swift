import SwddSystem

/// A disk as one image says it was: that image and the images it inherits from, newest first,
/// checked to form one chain, and for every block the image that holds its bytes.
///
/// Only metadata is read to build one: each link must name the next image (parent ids), every
/// image must share the disk's layout, and a block inherited from a parent must carry the
/// parent's digest (each image records the whole disk's digests), so a chain spliced from two
/// disks, or a parent replaced by another image, is refused before anything is written.
public struct RestorePoint: Sendable {
    /// One image of the chain, open.
    public struct Member: Sendable {
        public var name: String
        public var layout: ImageLayout
        /// Where its frames are read.
        public var bytes: any ImageBytes

        public init(name: String, layout: ImageLayout, bytes: any ImageBytes) {
            self.name = name
            self.layout = layout
            self.bytes = bytes
        }
    }

    /// The images, the restore point itself first, its full image last.
    public let members: [Member]
    /// For every block: the member whose frame holds its bytes, `RestorePoint.zero` for a zero
    /// block, `RestorePoint.unresolved` for a block inherited from an image not in `members`,
    /// `RestorePoint.unused` for free space of the point's filesystems (`--used`).
    let holders: [Int32]

    static let zero: Int32 = -1
    static let unresolved: Int32 = -2
    /// Free at the restore point, whatever an older image held there: nothing to restore.
    static let unused: Int32 = -3

    /// The metadata of the point itself: the disk's size, layout and every block's digest.
    public var metadata: ImageMetadata { members[0].layout.metadata }

    /// Whether every block's bytes are in `members` (a chain down to its full image).
    public var isComplete: Bool { !holders.contains(Self.unresolved) }

    /// The chain `members` (newest first, each the parent of the one before, the last a full
    /// image) as one point.
    public init(chain members: [Member]) throws(ImageFormatError) {
        try self.init(members, endsWithFull: true)
    }

    /// As `init(chain:)`, but the last image may miss its parent: blocks inherited from it
    /// stay unresolved, so the point can be checked and listed but not restored.
    public init(partialChain members: [Member]) throws(ImageFormatError) {
        try self.init(members, endsWithFull: false)
    }

    private init(_ members: [Member], endsWithFull: Bool) throws(ImageFormatError) {
        precondition(!members.isEmpty)
        let top = members[0].layout.metadata
        for (index, member) in members.enumerated() {
            let m = member.layout.metadata
            guard m.sourceSize == top.sourceSize, m.chunkSize == top.chunkSize, m.blockSize == top.blockSize,
                  m.sectorSize == top.sectorSize, m.hash == top.hash else {
                throw .brokenChain("'\(member.name)' does not have the layout of '\(members[0].name)' (size, chunk, block, sector or digest)")
            }
            if index + 1 < members.count {
                let parent = members[index + 1]
                guard m.parentID == parent.layout.metadata.imageID else {
                    throw .brokenChain("'\(member.name)' does not descend from '\(parent.name)'")
                }
            } else if m.hasParent && endsWithFull {
                throw .brokenChain("'\(member.name)' is \(m.kind.name): its parent \(ImageWriter.hex(m.parentID)) is needed")
            }
        }
        var holders = [Int32](repeating: Self.zero, count: top.blockCount)
        for block in 0..<top.blockCount {
            var index = 0
            while members[index].layout.metadata.blockStates[block] == .inherited {
                guard index + 1 < members.count else {
                    if !endsWithFull { break }
                    throw .brokenChain("block \(block) of '\(members[index].name)' is inherited, but it has no parent")
                }
                let child = members[index].layout.metadata, parent = members[index + 1].layout.metadata
                guard child.digest(ofBlock: block) == parent.digest(ofBlock: block) else {
                    throw .brokenChain("block \(block) of '\(members[index].name)' does not match the block it inherits from '\(members[index + 1].name)'")
                }
                index += 1
            }
            switch members[index].layout.metadata.blockStates[block] {
            case .zero: break
            case .unused: holders[block] = Self.unused
            case .inherited: holders[block] = Self.unresolved
            case .data, .unreadable: holders[block] = Int32(index)
            }
        }
        self.members = members
        self.holders = holders
    }

    /// One image on its own, parent or not: what `verify IMAGE` checks. Inherited blocks are
    /// left unresolved; such a point can be checked but not restored.
    public init(standalone member: Member) {
        members = [member]
        holders = member.layout.metadata.blockStates.map { state in
            switch state {
            case .zero: Self.zero
            case .unused: Self.unused
            case .inherited: Self.unresolved
            case .data, .unreadable: 0
            }
        }
    }

    /// Throws unless every block's bytes are in `members`: a restore needs the whole chain.
    public func checkComplete() throws(ImageFormatError) {
        guard !isComplete else { return }
        let bottom = members[members.count - 1]
        throw .brokenChain("'\(bottom.name)' is \(bottom.layout.metadata.kind.name) and its parent \(ImageWriter.hex(bottom.layout.metadata.parentID)) was not found")
    }

    /// Releases every image's bytes (descriptors, connections).
    public func release() {
        for member in members { member.bytes.release() }
    }

    /// The member holding block `block`, nil for a zero or unresolved block.
    func holder(ofBlock block: Int) -> Int? {
        let holder = holders[block]
        return holder >= 0 ? Int(holder) : nil
    }

    /// Source ranges that could not be read when the images holding them were made (zeros
    /// stand there): each image's recorded ranges, where the point takes its blocks from it.
    public var unreadable: [(offset: Int64, length: Int64)] {
        let blockSize = Int64(metadata.blockSize)
        var ranges: [(offset: Int64, length: Int64)] = []
        for (index, member) in members.enumerated() {
            for range in member.layout.metadata.unreadable {
                let first = Int(range.offset / blockSize), last = Int((range.offset + range.length - 1) / blockSize)
                if (first...last).contains(where: { holders[$0] == Int32(index) }) { ranges.append(range) }
            }
        }
        return ranges.sorted { $0.offset < $1.offset }
    }

    /// Compressed bytes a restore of this point reads: each needed frame once.
    public var bytesToRead: Int64 {
        var total: Int64 = 0
        let layout = members[0].layout
        for frame in layout.frames.indices {
            for member in Set(layout.blocksOfFrame(frame).compactMap(holder(ofBlock:))) {
                total += Int64(members[member].layout.frames[frame].compressedSize)
            }
        }
        return total
    }
}
