import SwddRemote
import SwddSystem

/// An image in object storage, read through rclone: one object, or the segment objects an
/// upload split it into (their concatenation is the image file). Small reads (a layout's
/// footer, tables and metadata) are ranged reads, the end of the image fetched once; larger
/// ones at increasing offsets (a restore reading frames in order) come from a stream of the
/// segment they fall in, and the next segment's stream is started at the same time, so the
/// store sends one segment while the one before is decoded.
public final class ObjectImageBytes: ImageBytes, @unchecked Sendable {
    public struct Part: Sendable {
        public var name: String
        public var size: Int64
        public init(name: String, size: Int64) {
            self.name = name
            self.size = size
        }
    }

    private let rclone: Rclone
    private let parts: [Part]
    /// Where each part starts in the image.
    private let starts: [Int64]
    private let size: Int64
    private let lock = ThreadMonitor()
    private var tail: [UInt8]?

    private struct Stream {
        var part: Int
        /// The image offset the stream's next byte is at.
        var offset: Int64
        var process: RcloneProcess
    }
    private var stream: Stream?
    private var next: Stream?

    static let longestSkip: Int64 = 8 << 20
    static let largestRangedRead = 64 << 10
    static let tailWindow: Int64 = 256 << 10

    public init(_ rclone: Rclone, parts: [Part]) {
        self.rclone = rclone
        self.parts = parts
        var offset: Int64 = 0
        starts = parts.map { part in
            defer { offset += part.size }
            return offset
        }
        size = offset
    }

    public func byteCount() throws -> Int64 { size }

    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try lock.withLock {
            let end = min(size, offset + Int64(buffer.count))
            guard offset < end else { return 0 }
            if buffer.count <= Self.largestRangedRead && end > size - Self.tailWindow {
                let tailBytes = try fetchTail()
                let tailStart = size - Int64(tailBytes.count)
                if offset >= tailStart {
                    let count = Int(end - offset)
                    tailBytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + Int(offset - tailStart), byteCount: count) }
                    return count
                }
            }
            var done = 0
            while offset + Int64(done) < end {
                let at = offset + Int64(done)
                let part = partIndex(containing: at)
                let count = Int(min(end, starts[part] + parts[part].size) - at)
                let target = UnsafeMutableRawBufferPointer(rebasing: buffer[done..<done + count])
                let got = try read(part: part, at: at, into: target, streaming: buffer.count > Self.largestRangedRead)
                guard got == count else { throw Rclone.Failure(message: "cannot read '\(rclone.describe(parts[part].name))': it ended early", status: 1) }
                done += got
            }
            return done
        }
    }

    private func partIndex(containing offset: Int64) -> Int {
        var low = 0, high = parts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The last `tailWindow` bytes of the image (of its last part, which holds its metadata
    /// and seek table), fetched once.
    private func fetchTail() throws -> [UInt8] {
        if let tail { return tail }
        let last = parts.count - 1
        let count = min(Self.tailWindow, parts[last].size)
        let bytes = try rclone.read(parts[last].name, at: parts[last].size - count, count: Int(count))
        tail = bytes
        return bytes
    }

    private func read(part: Int, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer, streaming: Bool) throws -> Int {
        let usable = { (s: Stream?) in s.map { $0.part == part && offset >= $0.offset && offset - $0.offset <= Self.longestSkip } ?? false }
        if !usable(stream) {
            if usable(next) {
                stream?.process.cancel()
                stream = next
                next = nil
            } else if !streaming {
                let bytes = try rclone.read(parts[part].name, at: offset - starts[part], count: buffer.count)
                bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
                return bytes.count
            } else {
                endStreams()
                stream = Stream(part: part, offset: offset, process: try rclone.download(parts[part].name, from: offset - starts[part]))
            }
            if next == nil && part + 1 < parts.count {
                next = Stream(part: part + 1, offset: starts[part + 1], process: try rclone.download(parts[part + 1].name))
            }
        }
        guard var current = stream else { return 0 }
        defer { stream = current }
        let skip = offset - current.offset
        let skipped = try current.process.child.output.discard(skip)
        current.offset += skipped
        if skipped < skip { throw streamEnded(current) }
        let got = try current.process.child.output.readAll(into: buffer)
        current.offset += Int64(got)
        if got < buffer.count { throw streamEnded(current) }
        return got
    }

    private func streamEnded(_ stream: Stream) -> any Error {
        let reason = stream.process.lastError
        return Rclone.Failure(message: "cannot read '\(rclone.describe(parts[stream.part].name))': \(reason.isEmpty ? "it ended early" : reason)", status: 1)
    }

    private func endStreams() {
        stream?.process.cancel()
        next?.process.cancel()
        stream = nil
        next = nil
    }

    public func release() {
        lock.withLock { endStreams() }
    }
}

extension ImageChainFiles {
    /// The image object `name` in object storage (one object, as `swdd image` writes it), read
    /// through `rclone` rooted at its directory.
    public static func member(object name: String, in rclone: Rclone, key: ImageKey? = nil) throws -> RestorePoint.Member {
        guard let entry = try rclone.entry(name) else {
            throw Rclone.Failure(message: "cannot read '\(rclone.describe(name))': no such object", status: noSuchObject)
        }
        let bytes = ObjectImageBytes(rclone, parts: [.init(name: name, size: entry.size)])
        do {
            return RestorePoint.Member(name: rclone.describe(name), layout: try ImageLayout.read(bytes, key: key), bytes: bytes)
        } catch {
            bytes.release()
            throw error
        }
    }

    /// The image object `name` and its parents beside it there, as one restore point. A parent
    /// is looked up once, by opening it (`member` lists it for its size): no object is not there.
    public static func point(object name: String, in rclone: Rclone, key: ImageKey? = nil) throws -> RestorePoint {
        try point(top: try member(object: name, in: rclone, key: key)) { parent in
            do {
                return try member(object: parent, in: rclone, key: key)
            } catch let failure as Rclone.Failure where failure.status == Self.noSuchObject {
                return nil
            }
        }
    }

    /// The status of `member`'s failure when the object does not exist.
    static let noSuchObject: Int32 = 4
}
