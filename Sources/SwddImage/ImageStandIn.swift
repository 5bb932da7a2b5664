import SwddEngine
import SwddSystem

/// A sparse temporary file of an image's source size holding only the chunks asked for, decoded
/// on demand: what `swdd list IMAGE` hands to libblkid, which reads disks through a descriptor.
/// The frames holding the partition tables are all that is decompressed, not the image.
public final class ImageStandIn {
    public let descriptor: FileDescriptor
    private let layout: ImageLayout
    private let image: any ImageBytes
    private let codec = ZstdCodec()
    private var loaded = Set<Int>()

    /// The stand-in lives in `directory`, unlinked at once: nothing is left behind.
    public init(_ layout: ImageLayout, image: any ImageBytes, directory: String = "/tmp") throws {
        self.layout = layout
        self.image = image
        let path = "\(directory)/.swdd-standin-\(currentProcessID())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = try FileDescriptor.open(path, flags: [.readWrite, .create, .exclusive, .closeOnExec], mode: 0o600)
        try? FileSystemPath.remove(path)
        try descriptor.truncate(to: layout.metadata.sourceSize)
    }

    deinit { try? descriptor.close() }

    /// Decodes (once) the chunk that holds byte `offset` of the source into the stand-in.
    public func load(offset: Int64) throws {
        guard offset >= 0, offset < layout.metadata.sourceSize else { return }
        let index = Int(offset / Int64(layout.metadata.chunkSize))
        guard !loaded.contains(index) else { return }
        loaded.insert(index)
        let frame = layout.frames[index]
        if layout.blocksOfFrame(index).allSatisfy({ layout.metadata.blockStates[$0] == .zero }) { return }  // zeros: a hole already
        let compressed = try ImageLayout.read(image, at: frame.fileOffset, count: frame.compressedSize)
        var bytes = [UInt8](repeating: 0, count: frame.length)
        let n = try compressed.withUnsafeBytes { source in
            try bytes.withUnsafeMutableBytes {
                try StoredFrame.decode(source, at: layout.position(ofFrame: index), cipher: layout.cipher, codec: codec, into: $0)
            }
        }
        guard n == frame.length else { throw ImageFormatError.damaged(offset: frame.fileOffset, "frame \(index) holds \(n) bytes") }
        try bytes.withUnsafeBytes { try descriptor.writeAll(toAbsoluteOffset: frame.sourceOffset, $0) }
    }

    /// `count` bytes at `offset` of the source, loading their chunks first.
    public func read(offset: Int64, count: Int) throws -> [UInt8] {
        try load(offset: offset)
        try load(offset: offset + Int64(count) - 1)
        return try ImageLayout.read(descriptor, at: offset, count: count)
    }
}
