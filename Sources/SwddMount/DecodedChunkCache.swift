import SwddImage
import SwddSystem

/// A chunk of the disk, decompressed and checked; shared by the reads that copy out of it and
/// kept alive by them after the cache has let it go.
final class DecodedChunk: @unchecked Sendable {
    let buffer: AlignedBuffer
    /// Written once, before the chunk is published to any reader.
    var length = 0

    init(buffer: AlignedBuffer) { self.buffer = buffer }
}

/// The bounded cache of decoded chunks between FUSE reads and the image: a random read
/// decompresses only the frames it touches, and a chunk read again (the kernel reads 128 KiB at
/// a time out of a 4 MiB chunk) is decoded once. Least recently used chunks go first; a chunk
/// being decoded is marked so that a second reader (or the read-ahead) waits for it instead of
/// decoding it again. Buffers of evicted chunks nobody still reads are reused.
final class DecodedChunkCache: @unchecked Sendable {
    private enum Entry {
        case decoding
        case ready(DecodedChunk, lastUse: UInt64)
    }

    let chunks: RestorePointChunks
    private let capacity: Int
    private let monitor = ThreadMonitor()
    private var entries: [Int: Entry] = [:]
    /// How many of `entries` are `.ready`.
    private var readyCount = 0
    private var clock: UInt64 = 0
    private var spareChunks: [AlignedBuffer] = []
    /// Frame and scratch buffers for decoding, one pair per decoding thread at a time.
    private var spareWorkspaces: [(frame: AlignedBuffer, scratch: AlignedBuffer)] = []

    /// Holds at most `bytes` of decoded chunks (at least two chunks).
    init(chunks: RestorePointChunks, bytes: Int) {
        self.chunks = chunks
        capacity = max(2, bytes / max(1, chunks.chunkSize))
    }

    /// The decoded chunk `index` (never an all-zero chunk: the caller fills those itself),
    /// decoded now unless cached or being decoded by another thread. Throws the image's damage.
    func chunk(_ index: Int) throws -> DecodedChunk {
        let cached: DecodedChunk? = monitor.withLock {
            while true {
                switch entries[index] {
                case .ready(let chunk, _):
                    clock += 1
                    entries[index] = .ready(chunk, lastUse: clock)
                    return chunk
                case .decoding:
                    monitor.wait()
                case nil:
                    entries[index] = .decoding
                    return nil
                }
            }
        }
        if let cached { return cached }
        return try decode(index)
    }

    /// Decodes chunk `index` ahead of a sequential reader, unless it is cached or on its way.
    /// A failure is left for the read that needs the chunk to report.
    func prefetch(_ index: Int) {
        let claimed = monitor.withLock {
            guard entries[index] == nil else { return false }
            entries[index] = .decoding
            return true
        }
        if claimed { _ = try? decode(index) }
    }

    /// Whether chunk `index` is cached or being decoded.
    func isPresent(_ index: Int) -> Bool { monitor.withLock { entries[index] != nil } }

    /// Decodes chunk `index`, which this thread has marked `.decoding`, and publishes it (or,
    /// on failure, removes the mark so the next reader tries again and sees the error itself).
    private func decode(_ index: Int) throws -> DecodedChunk {
        do {
            let (chunk, workspace) = try monitor.withLock { () throws -> (DecodedChunk, (frame: AlignedBuffer, scratch: AlignedBuffer)) in
                let buffer = try spareChunks.popLast() ?? allocate(chunks.chunkSize)
                let workspace = try spareWorkspaces.popLast() ?? (try allocate(max(chunks.largestFrame, 4096)), try allocate(chunks.chunkSize))
                return (DecodedChunk(buffer: buffer), workspace)
            }
            defer { monitor.withLock { spareWorkspaces.append(workspace) } }
            try chunks.decode(chunk: index, into: chunk.buffer.bytes, frame: workspace.frame.bytes, scratch: workspace.scratch.bytes)
            chunk.length = chunks.length(ofChunk: index)
            monitor.withLock {
                clock += 1
                entries[index] = .ready(chunk, lastUse: clock)
                readyCount += 1
                evictBeyondCapacity()
                monitor.broadcast()
            }
            return chunk
        } catch {
            monitor.withLock {
                entries[index] = nil
                monitor.broadcast()
            }
            throw error
        }
    }

    /// Drops least recently used chunks until `capacity` remain; called holding the lock, after
    /// each decode, so it allocates nothing: a scan of the few entries finds the oldest.
    private func evictBeyondCapacity() {
        while readyCount > capacity {
            var oldest: (key: Int, lastUse: UInt64)?
            for (key, entry) in entries {
                if case .ready(_, let lastUse) = entry, lastUse < oldest?.lastUse ?? .max { oldest = (key, lastUse) }
            }
            guard let oldest, case .ready(var chunk, _)? = entries.removeValue(forKey: oldest.key) else { return }
            readyCount -= 1
            // No read still copies out of it: its buffer serves the next decode.
            if isKnownUniquelyReferenced(&chunk), spareChunks.count < 4 { spareChunks.append(chunk.buffer) }
        }
    }

    private func allocate(_ bytes: Int) throws(SystemError) -> AlignedBuffer {
        guard let buffer = AlignedBuffer(capacity: bytes, alignment: 4096) else {
            throw SystemError("allocating a chunk buffer", code: .noMemory)
        }
        return buffer
    }
}
