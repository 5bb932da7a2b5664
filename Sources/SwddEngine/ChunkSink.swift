/// Where a pipeline's data goes. Its methods run on the calling thread of `Pipeline.run`.
public protocol ChunkSink: AnyObject {
    /// Whether chunks may arrive in any order (a file sink writing each at its offset): then
    /// no reorder step waits for a slow chunk. Default: in sequence order.
    var acceptsChunksOutOfOrder: Bool { get }
    /// Takes one chunk. The chunk returns to the pool afterwards, so keep no reference to it.
    func consume(_ chunk: Chunk) throws
    /// Called once after the last chunk: `inputError` is nil at a clean end of input.
    func finish(inputError: (any Error)?) throws
}

extension ChunkSink {
    public var acceptsChunksOutOfOrder: Bool { false }
}
