import SwddSystem

/// Reads a stream — a pipe, a terminal, a socket, a child process's standard output (the ssh
/// transport) — in order, filling each chunk until it is full or the stream ends. A slow
/// producer's data is handed on as soon as the next step is idle, so it never waits for a
/// whole chunk. `offset` counts the bytes read before each chunk.
public final class StreamSource: ChunkSource {
    private let descriptor: FileDescriptor
    private let detectsZeros: Bool
    private let handsOverEarly: Bool
    private let counters: TransferCounters?
    private var position: Int64 = 0
    private var ended = false
    /// A read error after some data: the data goes first, the error with the next call.
    private var pendingError: SystemError?

    /// - Parameter handsOverEarly: hand on a partly filled chunk when the next step is idle (a
    ///   copy: data flows at once); false fills every chunk but the last (an image: chunks sit
    ///   on a fixed grid of blocks).
    public init(descriptor: FileDescriptor, detectsZeros: Bool = false, handsOverEarly: Bool = true,
                counters: TransferCounters? = nil) {
        self.descriptor = descriptor
        self.detectsZeros = detectsZeros
        self.handsOverEarly = handsOverEarly
        self.counters = counters
    }

    public func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        guard !ended else { return .end }
        if let error = pendingError { throw error }
        chunk.offset = position
        while chunk.freeSpace > 0 {
            let n: Int
            do {
                n = try descriptor.read(into: chunk.buffer.slice(chunk.count, chunk.freeSpace))
            } catch {
                guard chunk.count > 0 else { throw error }
                pendingError = error
                break
            }
            if n == 0 {  // end of stream
                ended = true
                break
            }
            chunk.count += n
            position += Int64(n)
            counters?.addRead(n)
            if handsOverEarly && context.consumerIsWaiting { break }
        }
        if detectsZeros && chunk.count > 0 && isAllZero(chunk.base, count: chunk.count) { chunk.markZero() }
        return ended ? .end : .more
    }
}
