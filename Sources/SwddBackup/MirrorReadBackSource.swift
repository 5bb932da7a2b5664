import SwddEngine
import SwddSystem

/// The read-back's source: the target's chunks that the first pass wrote, read again, in offset
/// order, each with what it must hold attached (`MirrorExpectedBytes`). The target's reader is
/// `O_DIRECT` on a device; a file's cached pages are dropped before the read-back starts, so the
/// bytes come from the disk and not from the cache that was just written.
final class MirrorReadBackSource: ChunkSource {
    private let target: MirrorSide
    private let entries: [MirrorWriteLog.Entry]
    private var next = 0

    init(target: MirrorSide, entries: [MirrorWriteLog.Entry]) {
        self.target = target
        self.entries = entries
    }

    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        guard next < entries.count else { return .end }
        let entry = entries[next]
        next += 1
        try target.readExactly(at: entry.offset, length: entry.length, into: chunk.buffer)
        chunk.offset = entry.offset
        chunk.count = entry.length
        chunk.attachments[MirrorExpectedBytes.self] = entry.expected
        return next < entries.count ? .more : .end
    }
}
