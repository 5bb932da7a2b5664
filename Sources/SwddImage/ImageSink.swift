import SwddEngine
import SwddSystem

/// The sink of `swdd image`: the header frame, then each chunk's frame in sequence, then the
/// metadata (block map, block digests) and the seek table. Everything goes out with `write`
/// in order, so the same sink serves a file and a pipe. Continuing an interrupted upload, it
/// starts with the frames already there (`resumed`): their chunks are only checked against
/// what was recorded, and the metadata is built from the records plus the new frames.
final class ImageSink: ChunkSink {
    private let output: ImageOutput
    private var metadata: ImageMetadata
    private let header: ImageHeader
    private var table = SeekTable()
    private let counters: TransferCounters?
    private(set) var bytesStored: Int64 = 0
    /// The bmap's ranges, in order (only with `--bmap`).
    private(set) var bmapRanges: [BmapFile.Range] = []
    private var headerWritten = false
    private let resumed: [UploadProgress.Frame]
    private var framesSeen = 0
    /// An encrypted image's cipher, for the metadata (the stage seals the frames).
    private let cipher: FrameCipher?

    init(output: ImageOutput, header: ImageHeader, metadata: ImageMetadata, cipher: FrameCipher? = nil, counters: TransferCounters?,
         resumed: UploadProgress? = nil) {
        self.output = output
        self.cipher = cipher
        self.header = header
        self.metadata = metadata
        self.counters = counters
        self.resumed = resumed?.frames ?? []
        if let resumed {
            headerWritten = true
            table.entries.append(.init(compressedSize: UInt32(resumed.header.count), decompressedSize: 0))
            for frame in resumed.frames {
                table.entries.append(.init(compressedSize: frame.compressedSize, decompressedSize: frame.decompressedSize))
                self.metadata.blockStates += frame.states
                self.metadata.blockDigests += frame.digests
                self.metadata.sourceSize += Int64(frame.decompressedSize)
            }
            bytesStored = resumed.imageBytes
            writebackStarted = bytesStored
        }
    }

    /// The metadata as written at the end (sizes and block map filled in).
    var finalMetadata: ImageMetadata { metadata }

    func writeHeader() throws {
        guard !headerWritten else { return }
        let bytes = header.encoded()
        try write(bytes)
        table.entries.append(.init(compressedSize: UInt32(bytes.count), decompressedSize: 0))
        headerWritten = true
    }

    func consume(_ chunk: Chunk) throws {
        try writeHeader()
        guard let frame = chunk.attachments[EncodedFrame.self] else { return }
        defer { framesSeen += 1 }
        if framesSeen < resumed.count {
            let recorded = resumed[framesSeen]
            guard recorded.decompressedSize == chunk.length, recorded.states == frame.states, recorded.digests == frame.digests else {
                throw ResumedBlocksChanged(offset: chunk.offset)
            }
            counters?.addWritten(chunk.length)
            counters?.addChunk()
            return
        }
        try frame.withBytes { bytes in try write(bytes) }
        try output.recordFrame(UploadProgress.Frame(compressedSize: UInt32(frame.count), decompressedSize: UInt32(chunk.length),
                                                    states: frame.states, digests: frame.digests))
        table.entries.append(.init(compressedSize: UInt32(frame.count), decompressedSize: UInt32(chunk.length)))
        bmapRanges += frame.bmapRanges
        for range in frame.unreadable {
            if let last = metadata.unreadable.last, last.offset + last.length == range.lowerBound {
                metadata.unreadable[metadata.unreadable.count - 1].length += range.upperBound - range.lowerBound
            } else {
                metadata.unreadable.append((range.lowerBound, range.upperBound - range.lowerBound))
            }
        }
        metadata.blockStates += frame.states
        metadata.blockDigests += frame.digests
        metadata.sourceSize += Int64(chunk.length)
        counters?.addWritten(chunk.length)
        counters?.addChunk()
    }

    func finish(inputError: (any Error)?) throws {
        if let inputError { throw inputError }
        try writeHeader()
        let meta = try metadata.encoded(sealedWith: cipher)
        try write(meta)
        table.entries.append(.init(compressedSize: UInt32(meta.count), decompressedSize: 0))
        try write(table.encoded())
    }

    private func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    private func write(_ bytes: UnsafeRawBufferPointer) throws {
        try output.write(bytes)
        bytesStored += Int64(bytes.count)
        // Writeback starts as the image grows, so the final fdatasync (the image is complete
        // only once it is on disk) waits for the last stretch, not for the whole image.
        if bytesStored - writebackStarted >= Self.writebackStep {
            output.startWriteback(offset: writebackStarted, length: bytesStored - writebackStarted)
            writebackStarted = bytesStored
        }
    }

    private static let writebackStep: Int64 = 16 << 20
    private var writebackStarted: Int64 = 0
}

/// Continuing an interrupted upload: a block it already holds no longer hashes as it did.
public struct ResumedBlocksChanged: Error, Sendable {
    /// The source offset of the first frame that differs.
    public var offset: Int64
}
