import Synchronization
import SwddImage
import SwddSystem

/// What a mount shows: the restore point's whole disk as the file `disk`, and each partition
/// of its table as `p1`, `p2`, … (a window of the disk at the partition's offset), read through
/// the cache of decoded chunks; with an overlay, writable, every write kept in the overlay's
/// store. Zero chunks are filled in, never read or decoded. A damaged chunk fails the reads
/// that touch it with EIO and is reported once, through `log`, naming the image and offset.
public final class DiskView: Sendable {
    /// What a read or write did: the bytes it moved, or the errno a FUSE callback returns.
    public enum Outcome: Sendable, Equatable {
        case bytes(Int)
        case failed(Errno)
    }

    /// One file of the mount: a window on the disk.
    public struct File: Sendable, Equatable {
        public var name: String
        public var offset: Int64
        public var size: Int64

        public init(name: String, offset: Int64, size: Int64) {
            self.name = name
            self.offset = offset
            self.size = size
        }
    }

    public let chunks: RestorePointChunks
    private let cache: DecodedChunkCache
    private let readAhead: ReadAhead
    /// One chunk of zeros, never written: what reads of zero chunks are served from.
    private let zeroChunk: AlignedBuffer
    private let store: OverlayStore?
    private let log: @Sendable (String) -> Void
    private let fileList: Mutex<[File]>
    private let reported = Mutex(Set<Int>())
    /// Where the last read ended, for each file: a read starting there is sequential.
    private let lastReadEnd = Mutex([Int: Int64]())

    public var isWritable: Bool { store != nil }
    public var diskSize: Int64 { chunks.diskSize }

    /// The files, `disk` first.
    public var files: [File] { fileList.withLock { $0 } }

    /// `cacheBytes` bounds the decoded chunks kept; `workers` threads read ahead. With
    /// `overlayDirectory`, writes are accepted and kept in a temporary file there.
    public init(chunks: RestorePointChunks, cacheBytes: Int = 64 << 20, workers: Int, overlayDirectory: String?,
                log: @escaping @Sendable (String) -> Void) throws(SystemError) {
        self.chunks = chunks
        self.log = log
        cache = DecodedChunkCache(chunks: chunks, bytes: cacheBytes)
        // Ahead of a reader: a chunk per worker and one more, within half the cache.
        let depth = max(1, min(workers + 1, cacheBytes / max(1, chunks.chunkSize) / 2))
        readAhead = ReadAhead(cache: cache, workers: workers, depth: depth)
        guard let zeros = AlignedBuffer(capacity: max(1, chunks.chunkSize), alignment: 4096) else {
            throw SystemError("allocating a chunk buffer", code: .noMemory)
        }
        zeros.bytes.initializeMemory(as: UInt8.self, repeating: 0)
        zeroChunk = zeros
        store = try overlayDirectory.map { directory throws(SystemError) in try OverlayStore(size: chunks.diskSize, directory: directory) }
        fileList = Mutex([File(name: "disk", offset: 0, size: chunks.diskSize)])
    }

    /// Adds a file for each partition (clipped to the disk; one starting past its end is left out).
    public func addPartitions(_ partitions: [File]) {
        let fitting = partitions.compactMap { file -> File? in
            guard file.offset >= 0, file.offset < diskSize, file.size > 0 else { return nil }
            var clipped = file
            clipped.size = min(file.size, diskSize - file.offset)
            return clipped
        }
        fileList.withLock { $0 += fitting }
    }

    /// Ends the read-ahead workers.
    public func close() { readAhead.stop() }

    /// Reads up to `count` bytes of file `index` at `offset` (fewer at its end, none past it)
    /// and hands them to `send` (once, unless the read fails) without copying them: as pieces
    /// of decoded chunks and of one shared zero chunk, valid only during the call. A sequential reader is served this way
    /// straight out of the chunks the read-ahead decoded (a copy into a reply buffer was a
    /// tenth of the server's CPU in scripts/bench-mount). With an overlay, the bytes are put
    /// together in one buffer first, written ranges laid over them.
    public func read(file index: Int, at offset: Int64, count: Int,
                     send: (UnsafeBufferPointer<UnsafeRawBufferPointer>) -> Void) -> Outcome {
        guard let file = files.indices.contains(index) ? files[index] : nil else { return .failed(.badFileDescriptor) }
        guard offset >= 0 else { return .failed(.invalidArgument) }
        guard offset < file.size, count > 0 else {
            withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: 0) { send(UnsafeBufferPointer($0)) }
            return .bytes(0)
        }
        let length = Int(min(Int64(count), file.size - offset))
        let range = (file.offset + offset)..<(file.offset + offset + Int64(length))
        do {
            if let store {
                try readCopying(range, overlay: store, send: send)
            } else {
                try readInPlace(range, send: send)
            }
        } catch let error as SystemError {
            return .failed(error.code)
        } catch {
            return .failed(.ioError)
        }
        readAheadIfSequential(file: index, from: offset, count: length, endingAt: range.upperBound)
        return .bytes(length)
    }

    /// Decodes the chunks after this read when it continues the file's last one.
    private func readAheadIfSequential(file index: Int, from offset: Int64, count: Int, endingAt end: Int64) {
        let sequential = lastReadEnd.withLock { ends -> Bool in
            let previous = ends[index]
            ends[index] = offset + Int64(count)
            // The kernel's read-ahead sends neighbouring requests that may arrive out of order.
            return previous.map { abs($0 - offset) <= Int64(chunks.chunkSize) } ?? (offset == 0)
        }
        guard sequential else { return }
        let last = Int((end - 1) / Int64(chunks.chunkSize))
        readAhead.request((last + 1)..<min(chunks.chunkCount, last + 1 + readAhead.depth))
    }

    /// Writes `bytes` at `offset` of file `index` into the overlay; EROFS without one. A write
    /// past the file's end is cut at it (the files have the disk's sizes, which never change).
    public func write(file index: Int, at offset: Int64, _ bytes: UnsafeRawBufferPointer) -> Outcome {
        guard let store else { return .failed(.readOnlyFileSystem) }
        guard let file = files.indices.contains(index) ? files[index] : nil else { return .failed(.badFileDescriptor) }
        guard offset >= 0 else { return .failed(.invalidArgument) }
        guard offset < file.size else { return .failed(.noSpace) }
        let count = Int(min(Int64(bytes.count), file.size - offset))
        do {
            try store.write(at: file.offset + offset, UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
        } catch {
            return .failed(error.code)
        }
        return .bytes(count)
    }

    /// The image's bytes of `range` of the disk as pieces of the chunks holding them, each
    /// kept alive (evicted or not) until `send` returns.
    private func readInPlace(_ range: Range<Int64>, send: (UnsafeBufferPointer<UnsafeRawBufferPointer>) -> Void) throws {
        let chunkSize = Int64(chunks.chunkSize)
        let pieceCount = Int((range.upperBound - 1) / chunkSize - range.lowerBound / chunkSize) + 1
        var held: [DecodedChunk] = []
        held.reserveCapacity(pieceCount)
        try withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: pieceCount) { pieces in
            var position = range.lowerBound
            var made = 0
            while position < range.upperBound {
                let index = Int(position / chunkSize)
                let within = Int(position - Int64(index) * chunkSize)
                let count = Int(min(range.upperBound - position, Int64(chunks.length(ofChunk: index) - within)))
                let base: UnsafeRawPointer
                if chunks.isZero(chunk: index) {
                    base = UnsafeRawPointer(zeroChunk.base)
                } else {
                    let chunk = try decodedChunk(index)
                    held.append(chunk)
                    base = UnsafeRawPointer(chunk.buffer.base)
                }
                pieces.initializeElement(at: made, to: UnsafeRawBufferPointer(start: base + within, count: count))
                made += 1
                position += Int64(count)
            }
            send(UnsafeBufferPointer(rebasing: pieces[0..<made]))
        }
        withExtendedLifetime(held) {}
    }

    /// The bytes of `range` copied into one buffer, the overlay's writes laid over them.
    private func readCopying(_ range: Range<Int64>, overlay store: OverlayStore,
                             send: (UnsafeBufferPointer<UnsafeRawBufferPointer>) -> Void) throws {
        let count = Int(range.upperBound - range.lowerBound)
        guard let buffer = AlignedBuffer(capacity: count, alignment: 4096) else { throw SystemError("read", code: .noMemory) }
        let bytes = UnsafeMutableRawBufferPointer(rebasing: buffer.bytes[0..<count])
        try readInPlace(range) { pieces in
            var at = 0
            for piece in pieces {
                (bytes.baseAddress! + at).copyMemory(from: piece.baseAddress!, byteCount: piece.count)
                at += piece.count
            }
        }
        try store.overlay(range, onto: bytes)
        withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: 1) { pieces in
            pieces.initializeElement(at: 0, to: UnsafeRawBufferPointer(bytes))
            send(UnsafeBufferPointer(pieces))
        }
    }

    /// Chunk `index` from the cache, decoding it if need be; damage is reported and is an EIO.
    private func decodedChunk(_ index: Int) throws -> DecodedChunk {
        do {
            return try cache.chunk(index)
        } catch let error as ImageFormatError {
            report(error, chunk: index)
            throw SystemError("read", code: .ioError)
        }
    }

    /// One line per damaged chunk, however many reads touch it.
    private func report(_ error: ImageFormatError, chunk index: Int) {
        guard reported.withLock({ $0.insert(index).inserted }) else { return }
        let start = Int64(index) * Int64(chunks.chunkSize)
        log("\(error.reason); reads of disk bytes \(start)-\(start + Int64(chunks.length(ofChunk: index)) - 1) fail with EIO")
    }
}
