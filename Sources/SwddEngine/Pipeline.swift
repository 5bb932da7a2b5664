import SwddSystem
import Synchronization

/// The engine: a source, the stages of a plan, and a sink, run over a fixed pool of chunks.
///
/// A reader thread fills chunks and numbers them; each stage runs on its own threads (several
/// for a parallel stage, one for an ordered stage); the sink runs on the calling thread. Reading
/// chunk N+2, processing chunk N+1 and writing chunk N happen at once, and the pool caps memory
/// whatever the number of workers. A reorder step gives an ordered stage or a sink that needs
/// order its chunks in sequence.
///
/// One failure ends everything: the first error from the sink or any stage closes every queue,
/// wakes and joins every worker and is the one error `run` throws. The reader is not joined
/// then, since it may be blocked reading a pipe that never ends. An error from the source is
/// not a failure of the run: the chunks before it flow on, then the sink's `finish` gets it.
public final class Pipeline {
    private let pool: ChunkPool
    private let source: ChunkSource
    private let steps: [PipelineStep]
    private let sink: ChunkSink

    public enum Failure: Error {
        /// A thread could not be started.
        case threadUnavailable
    }

    public init(pool: ChunkPool, source: ChunkSource, steps: [PipelineStep] = [], sink: ChunkSink) {
        self.pool = pool
        self.source = source
        self.steps = steps
        self.sink = sink
    }

    /// Runs to completion. Throws the first failure of the sink or of a stage.
    public func run() throws {
        let run = PipelineRun(pool: pool)
        // Queue i feeds step i; the last one feeds the sink.
        var queues: [ChunkQueue] = []
        for step in steps { queues.append(ChunkQueue(order: step.needsSequenceOrder ? .sequence : .arrival, capacity: pool.chunkCount)) }
        queues.append(ChunkQueue(order: sink.acceptsChunksOutOfOrder ? .arrival : .sequence, capacity: pool.chunkCount))
        run.adopt(queues)

        let reader = ReaderLoop(pool: pool, source: source, output: queues[0], run: run)
        guard let readerThread = IOThread.start({ reader.run() }) else { throw Failure.threadUnavailable }
        var workers: [IOThread] = []
        for (index, step) in steps.enumerated() {
            let loop = StageLoop(step: step, input: queues[index], output: queues[index + 1], run: run)
            for _ in 0..<step.workerCount {
                guard let thread = IOThread.start({ loop.run() }) else {
                    run.fail(Failure.threadUnavailable)
                    workers.forEach { $0.join() }
                    readerThread.detach()
                    throw Failure.threadUnavailable
                }
                workers.append(thread)
            }
        }

        let sinkQueue = queues[queues.count - 1]
        do {
            while true {
                guard let item = sinkQueue.take() else {
                    // Closed: a stage failed (or the pool could not be taken from).
                    throw run.failure ?? Failure.threadUnavailable
                }
                switch item {
                case .chunk(let chunk):
                    defer {
                        pool.give(chunk)
                        run.noteTakenBySink()
                    }
                    try sink.consume(chunk)
                case .end(let end, _):
                    readerThread.join()
                    workers.forEach { $0.join() }
                    switch end {
                    case .clean: try sink.finish(inputError: nil)
                    case .inputFailed(let error): try sink.finish(inputError: error)
                    }
                    return
                }
            }
        } catch {
            run.fail(error)
            workers.forEach { $0.join() }
            readerThread.detach()
            throw run.failure ?? error
        }
    }
}

extension Pipeline {
    /// Runs the same plan on the calling thread, one chunk at a time, for copies where one side
    /// costs nothing (reading /dev/zero, writing /dev/null): there is nothing to overlap, and a
    /// single chunk that stays in cache beats a ring of them handed between threads (measured:
    /// 0.83× GNU dd reading a cached file into /dev/null with the threads).
    public func runInline() throws {
        let context = ReaderContext(run: nil)
        guard let chunk = pool.take() else { return }
        defer { pool.give(chunk) }
        var sequence = 0
        while true {
            chunk.reset()
            let result: FillResult
            do {
                result = try source.fill(chunk, context: context)
            } catch {
                for step in steps { try step.stage.finish() }
                try sink.finish(inputError: error)
                return
            }
            if !chunk.isEmpty {
                chunk.sequence = sequence
                sequence += 1
                for step in steps { try step.stage.process(chunk) }
                try sink.consume(chunk)
            }
            if case .end = result {
                for step in steps { try step.stage.finish() }
                try sink.finish(inputError: nil)
                return
            }
        }
    }
}

extension Chunk {
    /// Nothing to hand on: no bytes, no hole, nothing the front end noted.
    var isEmpty: Bool { length == 0 && annotation == nil }
}

/// The reader thread's loop: fill, number, hand over; end the stream where the source ends.
private final class ReaderLoop: @unchecked Sendable {
    let pool: ChunkPool
    let source: ChunkSource
    let output: ChunkQueue
    let shared: PipelineRun

    init(pool: ChunkPool, source: ChunkSource, output: ChunkQueue, run: PipelineRun) {
        self.pool = pool
        self.source = source
        self.output = output
        self.shared = run
    }

    func run() {
        let context = ReaderContext(run: shared)
        var sequence = 0
        while let chunk = pool.take() {
            let result: FillResult
            do {
                result = try source.fill(chunk, context: context)
            } catch {
                pool.give(chunk)
                output.finish(.inputFailed(error), chunksBefore: sequence)
                return
            }
            if chunk.isEmpty {
                pool.give(chunk)
            } else {
                chunk.sequence = sequence
                sequence += 1
                shared.noteHandedOver()
                guard output.put(chunk) else { return }
            }
            if case .end = result {
                output.finish(.clean, chunksBefore: sequence)
                return
            }
        }
    }
}

/// One stage's workers: take, process, pass on. The last worker to see the end of the stream
/// finishes the stage and passes the end on, so it follows every chunk the stage processed.
private final class StageLoop: @unchecked Sendable {
    let step: PipelineStep
    let input: ChunkQueue
    let output: ChunkQueue
    let shared: PipelineRun
    private let workersRunning: Atomic<Int>

    init(step: PipelineStep, input: ChunkQueue, output: ChunkQueue, run: PipelineRun) {
        self.step = step
        self.input = input
        self.output = output
        self.shared = run
        workersRunning = Atomic(step.workerCount)
    }

    func run() {
        while let item = input.take() {
            switch item {
            case .chunk(let chunk):
                do {
                    try step.stage.process(chunk)
                } catch {
                    shared.fail(error)
                    return
                }
                guard output.put(chunk) else { return }
            case .end(let end, let chunksBefore):
                guard workersRunning.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
                do {
                    try step.stage.finish()
                } catch {
                    shared.fail(error)
                    return
                }
                output.finish(end, chunksBefore: chunksBefore)
                return
            }
        }
    }
}
