import SwddSystem

/// Where an image's bytes are read from: a local file (a `FileDescriptor`, read with `pread`),
/// or a remote object read over a transport. Reading a layout takes a few small reads at the
/// end and the start; a restore then reads frames at increasing offsets, which a streaming
/// transport serves without a round trip per frame.
public protocol ImageBytes: Sendable {
    /// The object's size in bytes.
    func byteCount() throws -> Int64
    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end.
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Releases what reading held (a descriptor, a connection).
    func release()
}

extension FileDescriptor: ImageBytes {
    public func byteCount() throws -> Int64 { try status().size }

    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try readAll(fromAbsoluteOffset: offset, into: buffer)
    }

    public func release() { try? close() }
}
