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

    /// Reads up to `buffer.count` bytes of file `index` at `offset`; fewer at its end, 0 past it.
    public func read(file index: Int, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) -> Outcome {
        guard let file = files.indices.contains(index) ? files[index] : nil else { return .failed(.badFileDescriptor) }
        guard offset >= 0 else { return .failed(.invalidArgument) }
        guard offset < file.size else { return .bytes(0) }
        let count = Int(min(Int64(buffer.count), file.size - offset))
        let start = file.offset + offset
        let wanted = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count])
        let sequential = lastReadEnd.withLock { ends -> Bool in
            let previous = ends[index]
            ends[index] = offset + Int64(count)
            // The kernel's read-ahead sends neighbouring requests that may arrive out of order.
            return previous.map { abs($0 - offset) <= Int64(chunks.chunkSize) } ?? (offset == 0)
        }
        do {
            try readDisk(start..<(start + Int64(count)), into: wanted)
            try store?.overlay(start..<(start + Int64(count)), onto: wanted)
        } catch let error as SystemError {
            return .failed(error.code)
        } catch {
            return .failed(.ioError)
        }
        if sequential {
            let last = Int((start + Int64(count) - 1) / Int64(chunks.chunkSize))
            let ahead = (last + 1)..<min(chunks.chunkCount, last + 1 + readAhead.depth)
            readAhead.request(ahead)
        }
        return .bytes(count)
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

    /// The image's bytes of `range` of the disk, chunk by chunk.
    private func readDisk(_ range: Range<Int64>, into buffer: UnsafeMutableRawBufferPointer) throws {
        let chunkSize = Int64(chunks.chunkSize)
        var position = range.lowerBound
        while position < range.upperBound {
            let index = Int(position / chunkSize)
            let within = Int(position - Int64(index) * chunkSize)
            let count = Int(min(range.upperBound - position, Int64(chunks.length(ofChunk: index) - within)))
            let target = buffer.baseAddress! + Int(position - range.lowerBound)
            if chunks.isZero(chunk: index) {
                target.initializeMemory(as: UInt8.self, repeating: 0, count: count)
            } else {
                let chunk: DecodedChunk
                do {
                    chunk = try cache.chunk(index)
                } catch let error as ImageFormatError {
                    report(error, chunk: index)
                    throw SystemError("read", code: .ioError)
                }
                target.copyMemory(from: chunk.buffer.base + within, byteCount: count)
            }
            position += Int64(count)
        }
    }

    /// One line per damaged chunk, however many reads touch it.
    private func report(_ error: ImageFormatError, chunk index: Int) {
        guard reported.withLock({ $0.insert(index).inserted }) else { return }
        let start = Int64(index) * Int64(chunks.chunkSize)
        log("\(error.reason); reads of disk bytes \(start)-\(start + Int64(chunks.length(ofChunk: index)) - 1) fail with EIO")
    }
}
