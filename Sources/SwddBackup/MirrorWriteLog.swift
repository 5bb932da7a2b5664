import SwddImage
import Synchronization

/// What a chunk of the target must hold once the mirror wrote it: zeros, or bytes with a known
/// XXH3-128 digest (~9 GB/s, so hashing what is written costs next to nothing beside writing it).
/// Attached to the chunks the read-back reads.
public struct MirrorExpectedBytes: Sendable, Equatable {
    /// The digest of the bytes written; nil for zeros.
    public var digest: [UInt8]?

    public init(digest: [UInt8]?) { self.digest = digest }

    public static let zeros = MirrorExpectedBytes(digest: nil)

    static func digest(of bytes: UnsafeRawBufferPointer) -> [UInt8] {
        BlockHashAlgorithm.xxh3_128.digest(bytes)
    }
}

/// Every chunk the first pass found different and handed to the sink, with what it must hold:
/// the read-back's list. Recorded by the comparison workers in whatever order they finish.
final class MirrorWriteLog: Sendable {
    struct Entry: Sendable, Equatable {
        var offset: Int64
        var length: Int
        var expected: MirrorExpectedBytes
    }

    private let entries = Mutex<[Entry]>([])

    func record(_ entry: Entry) {
        entries.withLock { $0.append(entry) }
    }

    /// The entries by offset, so the read-back reads the target front to back.
    var inOffsetOrder: [Entry] {
        entries.withLock { $0 }.sorted { $0.offset < $1.offset }
    }
}
