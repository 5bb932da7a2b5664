/// A transform on a chunk between the source and the sink: compress it into a frame, hash its
/// blocks, translate its bytes. A stage changes the chunk in place or attaches its result
/// (`Chunk.attachments`); it never drops, splits or reorders chunks.
public protocol ChunkStage: AnyObject, Sendable {
    /// Runs on one of the stage's threads. A parallel stage's `process` runs on several threads
    /// at once, each with its own chunk, so it keeps no unsynchronised state between calls.
    /// Throwing ends the whole run with that error.
    func process(_ chunk: Chunk) throws
    /// Called once, on the stage's thread, after its last chunk of a stream that ended
    /// (cleanly or with an input error) — not when the run fails.
    func finish() throws
}

extension ChunkStage {
    public func finish() throws {}
}

/// How a stage runs.
public enum StageThreading: Sendable, Equatable {
    /// On `workers` threads, chunks in whatever order they finish; a reorder step restores
    /// sequence order for the next step when it needs it.
    case parallel(workers: Int)
    /// On one thread of its own, every chunk in sequence order (a stream digest, a stateful
    /// conversion), overlapping the steps before and after it.
    case ordered
}

/// A stage and how it runs: one step of a pipeline's plan.
public struct PipelineStep: Sendable {
    public var stage: any ChunkStage
    public var threading: StageThreading

    public init(_ stage: any ChunkStage, threading: StageThreading) {
        self.stage = stage
        self.threading = threading
    }

    var needsSequenceOrder: Bool { threading == .ordered }
    /// Threads the step runs on.
    public var workerCount: Int {
        switch threading {
        case .parallel(let workers): max(1, workers)
        case .ordered: 1
        }
    }
}
