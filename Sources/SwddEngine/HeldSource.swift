/// Something that must hold for exactly as long as a source is read, such as a file system
/// freeze: checked before every read, released the moment the source has given its last chunk
/// (or failed), while later steps may still be compressing and writing.
public protocol ReadingHold: AnyObject, Sendable {
    /// Throws when the hold was lost (a freeze that timed out): what is read now is worthless.
    func check() throws
    /// Ends the hold; throws when it had been lost. Called once by `HeldSource`, on the reader
    /// thread; the front end may call it again after a failed run (it must be idempotent).
    func release() throws
}

/// A source read under a `ReadingHold`: the hold is checked before each fill and released as
/// soon as the inner source ends or fails. A hold lost during the read ends the input with its
/// error, after the chunks read while it held.
public final class HeldSource: ChunkSource {
    private let inner: ChunkSource
    private let hold: ReadingHold
    private var released = false
    /// The release's error, thrown by the fill after the one that ended the source, so its
    /// last chunk is handed on first (the protocol's rule for data before an error).
    private var pendingError: (any Error)?

    public init(_ inner: ChunkSource, hold: ReadingHold) {
        self.inner = inner
        self.hold = hold
    }

    public func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        if let pendingError { throw pendingError }
        if released { return .end }
        do {
            try hold.check()
        } catch {
            try? release()
            throw error
        }
        let result: FillResult
        do {
            result = try inner.fill(chunk, context: context)
        } catch {
            try? release()  // the source's own error is the one to report
            throw error
        }
        guard result == .end else { return .more }
        do {
            try release()
            return .end
        } catch {
            pendingError = error
            return .more
        }
    }

    private func release() throws {
        guard !released else { return }
        released = true
        try hold.release()
    }
}
