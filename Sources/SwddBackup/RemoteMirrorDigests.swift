import SwddSystem

/// The target's digests as they arrive at the side holding the source, read from the channel
/// by a thread of their own, and taken by the comparison workers, each waiting for its chunk's.
/// Also what else that side hears: the target's `summary`, its failure, the end of the stream.
///
/// Digests arrive in offset order, ahead of the comparison; the reader stops taking more while
/// `limit` are waiting to be taken, so memory stays bounded whatever the disk's size (the
/// chunks being compared are always among those waiting: the pool has fewer than `limit`).
final class RemoteMirrorDigests: @unchecked Sendable {
    private let monitor = ThreadMonitor()
    private var waiting: [Int64: (length: Int, expected: MirrorExpectedBytes)] = [:]
    private var summary: RemoteMirrorSummary?
    private var ended: (any Error)?
    private let limit = 1024

    /// Reads the channel until it ends; run on a thread of its own.
    func read(from channel: RemoteMirrorChannel) {
        while true {
            let message: RemoteMirrorMessage?
            do {
                message = try channel.receive()
            } catch {
                return end(error)
            }
            switch message {
            case .digest(let offset, let length, let expected):
                monitor.withLock {
                    while waiting.count >= limit && ended == nil { monitor.wait() }
                    waiting[offset] = (length, expected)
                    monitor.broadcast()
                }
            case .summary(let written, let zeroed, let verified):
                monitor.withLock {
                    summary = RemoteMirrorSummary(written: written, zeroed: zeroed, verified: verified)
                    monitor.broadcast()
                }
            case .failure(let status, let line): return end(RemoteMirrorError.remoteFailed(line, status: status))
            case nil: return end(RemoteMirrorError.connectionEnded)
            case .some(let other): return end(RemoteMirrorError.unexpected("'\(Character(Unicode.Scalar(other.tag)))'"))
            }
        }
    }

    private func end(_ error: any Error) {
        monitor.withLock {
            if ended == nil { ended = error }
            monitor.broadcast()
        }
    }

    /// Stops the reader's waiting and every worker's: the run failed on this side.
    func abandon(_ error: any Error) { end(error) }

    /// The target's digest of the chunk at `offset`, waited for; the failure or end of the
    /// stream when it will not come.
    func take(offset: Int64) throws -> (length: Int, expected: MirrorExpectedBytes) {
        try monitor.withLock {
            while true {
                if let entry = waiting.removeValue(forKey: offset) {
                    monitor.broadcast()
                    return entry
                }
                if let ended { throw ended }
                monitor.wait()
            }
        }
    }

    /// The failure line the other side sent, if its stream ends with one within `nanoseconds`;
    /// nil if it ended otherwise or not yet.
    func reasonTheStreamEnded(waitingUpTo nanoseconds: UInt64) -> RemoteMirrorError? {
        let deadline = MonotonicClock.now() + nanoseconds
        return monitor.withLock {
            while ended == nil && MonotonicClock.now() < deadline { monitor.wait(nanoseconds: 50_000_000) }
            if case let failure as RemoteMirrorError = ended, case .remoteFailed = failure { return failure }
            return nil
        }
    }

    /// The target's summary, waited for after `done` was sent.
    func awaitSummary() throws -> RemoteMirrorSummary {
        try monitor.withLock {
            while true {
                if let summary { return summary }
                if let ended { throw ended }
                monitor.wait()
            }
        }
    }
}

/// What the target's side did, as its `summary` told.
public struct RemoteMirrorSummary: Equatable, Sendable {
    public var written: Int64
    public var zeroed: Int64
    /// Bytes read back and checked; nil when not asked to.
    public var verified: Int64?
}
