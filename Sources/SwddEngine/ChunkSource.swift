/// Where a pipeline's data comes from (file, block device, pipe, image, remote stream).
/// `fill` runs on the pipeline's reader thread only.
public protocol ChunkSource: AnyObject {
    /// Fills `chunk` with the next data, setting its offset and kind. Returns `.end` when the
    /// input is exhausted (the chunk may still hold a last piece of data). Throws to end the
    /// input with an error; data read before the error should be returned first and the error
    /// thrown by the next call. An empty chunk (no bytes, no hole, no annotation) is dropped.
    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult
}

public enum FillResult: Sendable { case more, end }

/// What a source may ask of the pipeline while it reads.
public struct ReaderContext: Sendable {
    let run: PipelineRun?

    init(run: PipelineRun?) { self.run = run }

    /// True when the next step is idle; a source filling a chunk from a slow input (a pipe,
    /// a terminal) should hand over what it has rather than wait for more. Inline runs have no
    /// queue: their consumer is the caller, always waiting.
    public var consumerIsWaiting: Bool { run?.firstStepIsWaiting ?? true }

    /// Waits until the sink has taken in every chunk handed over so far, so that a message
    /// the source prints (a read error) comes after their effects, as in a serial copy.
    public func waitUntilConsumerCaughtUp() { run?.waitUntilSinkCaughtUp() }
}
