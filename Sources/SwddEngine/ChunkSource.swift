/// Where a pipeline's data comes from (file, block device, pipe, image, remote stream).
/// `fill` runs on the pipeline's reader thread only.
public protocol ChunkSource: AnyObject {
    /// Fills `chunk` with the next data. Returns `.end` when the input is exhausted (the chunk
    /// may still hold a last piece of data). Throws to end the input with an error; data read
    /// before the error should be returned first and the error thrown by the next call.
    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult
}

public enum FillResult: Sendable { case more, end }

/// What a source may ask of the pipeline while it reads.
public struct ReaderContext: Sendable {
    let queue: SignalingQueue<PipelineItem>
    /// Inline runs have no queue to look at: their consumer is the caller, always waiting.
    let inline: Bool

    init(queue: SignalingQueue<PipelineItem>, inline: Bool = false) {
        self.queue = queue
        self.inline = inline
    }

    /// True when the consumer is idle; a source filling a chunk from a slow input (a pipe,
    /// a terminal) should hand over what it has rather than wait for more.
    public var consumerIsWaiting: Bool { inline || queue.consumerIsWaiting }

    /// Waits until the consumer has processed every chunk handed over so far, so that a
    /// message the source prints (a read error) comes after their effects, as in a serial copy.
    public func waitUntilConsumerCaughtUp() { queue.waitUntilDrained() }
}

/// Where a pipeline's data goes. Its methods run on the consumer thread, in order; transforms
/// that must see the data in order (dd conversions) run inside `consume`.
public protocol ChunkSink: AnyObject {
    /// Takes one chunk. The chunk returns to the pool afterwards, so keep no reference to it.
    func consume(_ chunk: Chunk) throws
    /// Called once after the last chunk: `inputError` is nil at a clean end of input.
    func finish(inputError: (any Error)?) throws
}

enum PipelineItem: @unchecked Sendable {
    case data(Chunk)
    case end
    case failed(any Error)
}
