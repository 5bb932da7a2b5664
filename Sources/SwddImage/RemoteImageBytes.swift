import SwddRemote
import SwddSystem

/// An image file on another machine, read over ssh: small reads (a layout's footer, tables and
/// metadata) are ranged reads; larger ones at increasing offsets (a restore reading frames in
/// order) come from one stream that runs ahead, skipping what is not asked for, so a whole
/// restore costs one transfer rather than a round trip per frame.
public final class RemoteImageBytes: ImageBytes, @unchecked Sendable {
    private let files: RemoteFiles
    private let path: RemotePath
    private let lock = ThreadMonitor()
    private var size: Int64?
    private var stream: ChildProcess?
    private var streamOffset: Int64 = 0

    /// Gaps a stream skips by reading past them rather than starting again.
    static let longestSkip: Int64 = 8 << 20
    static let largestRangedRead = 64 << 10

    /// `knownSize`: the size when a layout read earlier already learnt it (frames are then read
    /// without asking for the size again).
    public init(_ files: RemoteFiles, path: RemotePath, knownSize: Int64? = nil) {
        self.files = files
        self.path = path
        size = knownSize
    }

    public func byteCount() throws -> Int64 {
        try lock.withLock { try fetchTail().size }
    }

    /// The size, the first `headWindow` and the last `tailWindow` bytes, in one round trip:
    /// what a layout reads (header; footer, seek table, metadata) is almost always in there.
    private func fetchTail() throws -> (size: Int64, bytes: [UInt8]) {
        if let size, let tail { return (size, tail) }
        let (found, first, last) = try files.sizeHeadAndTail(path, headCount: Self.headWindow, tailCount: Self.tailWindow)
        size = found
        head = first
        tail = last
        return (found, last)
    }

    private var tail: [UInt8]?
    private var head: [UInt8]?
    static let tailWindow = 256 << 10
    static let headWindow = 64 << 10

    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try lock.withLock {
            let streamingRead = buffer.count > Self.largestRangedRead
            if size == nil || (!streamingRead && tail == nil) { _ = try fetchTail() }
            let total = size ?? 0
            let end = min(total, offset + Int64(buffer.count))
            guard offset < end else { return 0 }
            if let tailBytes = tail, offset >= total - Int64(tailBytes.count) {
                return copy(tailBytes, from: Int(offset - (total - Int64(tailBytes.count))), count: Int(end - offset), into: buffer)
            }
            if let head, end <= Int64(head.count) {
                return copy(head, from: Int(offset), count: Int(end - offset), into: buffer)
            }
            let streaming = stream != nil && offset >= streamOffset && offset - streamOffset <= Self.longestSkip
            if !streaming && buffer.count <= Self.largestRangedRead {
                let bytes = try files.read(path, at: offset, count: buffer.count)
                bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
                return bytes.count
            }
            if !streaming {
                endStream()
                stream = try files.download(path, from: offset)
                stream?.closeInput()
                streamOffset = offset
            }
            guard let stream else { return 0 }
            let skip = offset - streamOffset
            let skipped = try stream.output.discard(skip)
            streamOffset += skipped
            if skipped < skip { return 0 }
            let got = try stream.output.readAll(into: buffer)
            streamOffset += Int64(got)
            return got
        }
    }

    private func copy(_ bytes: [UInt8], from start: Int, count: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = max(0, min(count, bytes.count - start))
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: n) }
        return n
    }

    private func endStream() {
        guard let stream else { return }
        stream.closeOutput()
        _ = stream.exitStatus()
        self.stream = nil
    }

    public func release() {
        lock.withLock { endStream() }
    }
}

extension ImageChainFiles {
    /// The image at `path` on the remote, and its parents beside it there.
    public static func point(remote files: RemoteFiles, path: RemotePath, key: ImageKey? = nil) throws -> RestorePoint {
        let directory = RemotePath(inHome: path.inHome, relative: String(path.relative.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")))
        func open(_ path: RemotePath, name: String) throws -> RestorePoint.Member {
            let bytes = RemoteImageBytes(files, path: path)
            do {
                return RestorePoint.Member(name: name, layout: try ImageLayout.read(bytes, key: key), bytes: bytes)
            } catch {
                bytes.release()
                throw error
            }
        }
        let top = try open(path, name: files.session.location.with(path: path).description)
        return try point(top: top) { name in
            let parent = directory.appending(name)
            return try files.exists(parent) ? try open(parent, name: name) : nil
        }
    }
}
