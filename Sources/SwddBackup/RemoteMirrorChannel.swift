import SwddSystem
import Synchronization

/// The two byte streams between the ends of a remote mirror (the local end's ssh child, or the
/// peer's standard input and output), carrying `RemoteMirrorMessage`s, with the bytes that crossed
/// each way counted for the summary. Messages are written whole under a lock (the digest sender
/// and a failure report may write from two threads); one thread at a time reads.
public final class RemoteMirrorChannel: Sendable {
    private let input: FileDescriptor
    private let output: FileDescriptor
    private let writing = Mutex<Void>(())
    private let sent = Atomic<Int64>(0)
    private let received = Atomic<Int64>(0)

    public init(input: FileDescriptor, output: FileDescriptor) {
        self.input = input
        self.output = output
    }

    /// Bytes of messages written to the other end.
    public var bytesSent: Int64 { sent.load(ordering: .relaxed) }
    /// Bytes of messages read from the other end.
    public var bytesReceived: Int64 { received.load(ordering: .relaxed) }

    public func send(_ message: RemoteMirrorMessage) throws {
        let bytes = message.encoded
        try writing.withLock { _ in
            do {
                try bytes.withUnsafeBytes { try output.writeAll($0) }
            } catch {
                throw RemoteMirrorError.connectionEnded
            }
        }
        sent.add(Int64(bytes.count), ordering: .relaxed)
    }

    /// Sends a failure line if the other end still listens; the failure being reported matters
    /// more than this one.
    public func sendFailure(_ message: String, status: UInt8 = 1) {
        try? send(.failure(status: status, message: message))
    }

    /// The next message; nil at the other end's clean end of stream (before a message began).
    /// A stream cut mid-message is `connectionEnded`; bytes that are no message, `notAPeer`
    /// with what they said.
    public func receive() throws -> RemoteMirrorMessage? {
        var header = [UInt8](repeating: 0, count: 5)
        let got = try readFully(&header)
        if got == 0 { return nil }
        guard got == 5 else { throw RemoteMirrorError.connectionEnded }
        let length = Int(UInt32(header[1]) | UInt32(header[2]) << 8 | UInt32(header[3]) << 16 | UInt32(header[4]) << 24)
        guard length <= RemoteMirrorMessage.largestPayload else { throw notAPeer(header) }
        var payload = [UInt8](repeating: 0, count: length)
        guard try readFully(&payload) == length else { throw RemoteMirrorError.connectionEnded }
        received.add(Int64(5 + length), ordering: .relaxed)
        guard let message = RemoteMirrorMessage.decode(tag: header[0], payload: payload) else { throw notAPeer(header + payload) }
        return message
    }

    /// A stream that is not the protocol: the first line of what it said (a shell's or another
    /// program's words), read a little further for the message.
    private func notAPeer(_ start: [UInt8]) -> RemoteMirrorError {
        var said = Array(start.prefix(200))
        if said.count < 200 {
            var more = [UInt8](repeating: 0, count: 200 - said.count)
            if let n = try? more.withUnsafeMutableBytes({ try input.read(into: $0) }), n > 0 { said += more[..<n] }
        }
        let line = said.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).first.map(Array.init) ?? []
        let printable = String(decoding: line.map { $0 >= 32 && $0 < 127 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        return RemoteMirrorError.notAPeer(said: printable)
    }

    /// Reads until `buffer` is full or the stream ends; returns the bytes read.
    private func readFully(_ buffer: inout [UInt8]) throws -> Int {
        do {
            return try buffer.withUnsafeMutableBytes { try input.readAll(into: $0) }
        } catch {
            throw RemoteMirrorError.connectionEnded
        }
    }
}

/// Why a remote mirror stopped, beyond the errors of either side's files.
public enum RemoteMirrorError: Error, Equatable, Sendable {
    /// The other end went away (the connection was cut, the peer died) before the mirror was done.
    case connectionEnded
    /// The other end reported this failure, one line, with the exit status it stands for.
    case remoteFailed(String, status: UInt8)
    /// The other end spoke, but not this protocol (another program, or an old swdd).
    case notAPeer(said: String)
    /// A message that has no place at this point of the exchange.
    case unexpected(String)
    /// A block whose frame did not decode to bytes with the digest it came with.
    case damagedBlock(offset: Int64)

    /// The failure's words, for `swdd: …` on the local end and the peer's failure line.
    public var reason: String {
        switch self {
        case .connectionEnded: "the connection ended before the mirror was done"
        case .remoteFailed(let message, _): message
        case .notAPeer(let said): "it did not answer as swdd's mirror peer" + (said.isEmpty ? "" : " (it said: '\(said)')")
        case .unexpected(let what): "the other end sent \(what) out of turn"
        case .damagedBlock(let offset): "the block at byte \(offset) arrived damaged"
        }
    }
}
