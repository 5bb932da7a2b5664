import SwddImage

/// The messages of `mirror`'s protocol between swdd and `swdd __mirror-peer` on the other
/// machine, over the peer's standard input and output (an ssh session). Each message is a tag
/// byte, a u32 payload length and the payload, integers little-endian (docs/ARCHITECTURE.md has
/// the table). The side that holds the target hashes it and streams one `digest` per chunk; the
/// side that holds the source compares its own chunks with them and sends only the `block`s that
/// differ, as zstd frames; `done` ends the blocks, `summary` answers it once the target was synced
/// and read back. `failure` is one line, from either side, that ends the mirror.
public enum RemoteMirrorMessage: Equatable, Sendable {
    /// The peer's first words: the protocol it speaks and its swdd version.
    case hello(protocolVersion: UInt32, swddVersion: String)
    /// What the peer is to open, and how.
    case open(RemoteMirrorRequest)
    /// The peer's side, opened and checked.
    case ready(size: Int64, logicalSectorSize: Int, isRegularFile: Bool)
    /// What the target holds at `offset`: zeros (`expected.digest` nil) or bytes with that digest.
    case digest(offset: Int64, length: Int, expected: MirrorExpectedBytes)
    /// The source's chunk at `offset`, which the target does not hold: zeros (no frame), or a
    /// zstd frame of bytes whose digest is `expected`'s.
    case block(offset: Int64, length: Int, expected: MirrorExpectedBytes, frame: [UInt8])
    /// Every differing block was sent; `compared` bytes of the source were compared.
    case done(compared: Int64)
    /// The target's account, after its sync and read-back.
    case summary(written: Int64, zeroed: Int64, verified: Int64?)
    /// One line that ends the mirror, and the exit status it stands for (DESIGN's: 1 failed,
    /// 4 the read-back found a mismatch).
    case failure(status: UInt8, message: String)

    /// The version both ends must speak; a peer with another one is refused by name.
    public static let protocolVersion: UInt32 = 1
    /// The hello's payload starts with this, so that a program that is not swdd is recognised
    /// by its first bytes, not misread as messages.
    static let helloMagic = Array("swdd-mirror-peer".utf8)
    /// A payload larger than this is a broken stream: a block's frame is at most a chunk's zstd bound.
    static let largestPayload = ZstdCodec.bound(Mirror.chunkSize) + 64

    var tag: UInt8 {
        switch self {
        case .hello: UInt8(ascii: "H")
        case .open: UInt8(ascii: "O")
        case .ready: UInt8(ascii: "R")
        case .digest: UInt8(ascii: "D")
        case .block: UInt8(ascii: "B")
        case .done: UInt8(ascii: "F")
        case .summary: UInt8(ascii: "S")
        case .failure: UInt8(ascii: "E")
        }
    }

    /// The message as it goes on the wire: tag, length, payload.
    var encoded: [UInt8] {
        var payload = ByteWriter()
        switch self {
        case .hello(let version, let swdd):
            payload.raw(Self.helloMagic)
            payload.u32(version)
            payload.raw(Array(swdd.utf8))
        case .open(let request):
            payload.u8(request.peerHoldsTarget ? 1 : 0)
            payload.u8((request.force ? 1 : 0) | (request.verifies ? 2 : 0) | (request.path.inHome ? 4 : 0))
            payload.i64(request.sourceSize)
            payload.u32(UInt32(request.sourceSectorSize))
            payload.u32(UInt32(request.chunkSize))
            payload.raw(Array(request.path.relative.utf8))
        case .ready(let size, let sector, let isRegular):
            payload.i64(size)
            payload.u32(UInt32(sector))
            payload.u8(isRegular ? 1 : 0)
        case .digest(let offset, let length, let expected):
            payload.i64(offset)
            payload.u32(UInt32(length))
            Self.put(expected, into: &payload)
        case .block(let offset, let length, let expected, let frame):
            payload.i64(offset)
            payload.u32(UInt32(length))
            Self.put(expected, into: &payload)
            payload.raw(frame)
        case .done(let compared):
            payload.i64(compared)
        case .summary(let written, let zeroed, let verified):
            payload.i64(written)
            payload.i64(zeroed)
            payload.i64(verified ?? -1)
        case .failure(let status, let message):
            payload.u8(status)
            payload.raw(Array(message.utf8))
        }
        var message = ByteWriter(capacity: payload.bytes.count + 5)
        message.u8(tag)
        message.u32(UInt32(payload.bytes.count))
        message.raw(payload.bytes)
        return message.bytes
    }

    /// Decodes one payload of `tag`; nil for an unknown tag or a payload of the wrong shape.
    static func decode(tag: UInt8, payload: [UInt8]) -> RemoteMirrorMessage? {
        var r = ByteReader(payload)
        do {
            switch tag {
            case UInt8(ascii: "H"):
                guard try r.raw(helloMagic.count) == helloMagic else { return nil }
                let version = try r.u32()
                return .hello(protocolVersion: version, swddVersion: String(decoding: try r.raw(r.remaining), as: UTF8.self))
            case UInt8(ascii: "O"):
                let role = try r.u8()
                let flags = try r.u8()
                let size = try r.i64()
                let sector = Int(try r.u32())
                let chunk = Int(try r.u32())
                let relative = String(decoding: try r.raw(r.remaining), as: UTF8.self)
                return .open(RemoteMirrorRequest(peerHoldsTarget: role == 1, force: flags & 1 != 0, verifies: flags & 2 != 0,
                                                 sourceSize: size, sourceSectorSize: sector, chunkSize: chunk,
                                                 path: RemoteMirrorPath(inHome: flags & 4 != 0, relative: relative)))
            case UInt8(ascii: "R"):
                let size = try r.i64()
                let sector = Int(try r.u32())
                return .ready(size: size, logicalSectorSize: sector, isRegularFile: try r.u8() == 1)
            case UInt8(ascii: "D"):
                let offset = try r.i64()
                let length = Int(try r.u32())
                return .digest(offset: offset, length: length, expected: try take(&r))
            case UInt8(ascii: "B"):
                let offset = try r.i64()
                let length = Int(try r.u32())
                let expected = try take(&r)
                return .block(offset: offset, length: length, expected: expected, frame: try r.raw(r.remaining))
            case UInt8(ascii: "F"):
                return .done(compared: try r.i64())
            case UInt8(ascii: "S"):
                let written = try r.i64()
                let zeroed = try r.i64()
                let verified = try r.i64()
                return .summary(written: written, zeroed: zeroed, verified: verified < 0 ? nil : verified)
            case UInt8(ascii: "E"):
                let status = try r.u8()
                return .failure(status: status, message: String(decoding: try r.raw(r.remaining), as: UTF8.self))
            default:
                return nil
            }
        } catch {
            return nil
        }
    }

    /// A chunk's expected bytes: u8 0 for zeros, or u8 1 and the 16-byte XXH3-128 digest.
    private static func put(_ expected: MirrorExpectedBytes, into writer: inout ByteWriter) {
        if let digest = expected.digest {
            writer.u8(1)
            writer.raw(digest)
        } else {
            writer.u8(0)
        }
    }

    private static func take(_ reader: inout ByteReader) throws(ByteReader.Truncated) -> MirrorExpectedBytes {
        try reader.u8() == 0 ? .zeros : MirrorExpectedBytes(digest: try reader.raw(16))
    }
}

/// What the local end asks the peer to open.
public struct RemoteMirrorRequest: Equatable, Sendable {
    /// True: the peer holds the target (it hashes, receives and writes); false: the source.
    public var peerHoldsTarget: Bool
    /// The user's `--force`, for the peer's own refusals (mounted, busy, sector size).
    public var force: Bool
    /// Whether the target reads back what it wrote (not with `--no-verify`).
    public var verifies: Bool
    /// For a target: the source's size and logical sector size, checked as a local mirror checks them.
    public var sourceSize: Int64
    public var sourceSectorSize: Int
    /// Both ends must use the same chunk grid; a peer refuses another size.
    public var chunkSize: Int
    public var path: RemoteMirrorPath

    public init(peerHoldsTarget: Bool, force: Bool, verifies: Bool, sourceSize: Int64, sourceSectorSize: Int, chunkSize: Int,
                path: RemoteMirrorPath) {
        self.peerHoldsTarget = peerHoldsTarget
        self.force = force
        self.verifies = verifies
        self.sourceSize = sourceSize
        self.sourceSectorSize = sourceSectorSize
        self.chunkSize = chunkSize
        self.path = path
    }
}

/// The peer's path as the `ssh://` location named it: absolute, or in the peer user's home.
public struct RemoteMirrorPath: Equatable, Sendable {
    public var inHome: Bool
    public var relative: String

    public init(inHome: Bool, relative: String) {
        self.inHome = inHome
        self.relative = relative
    }

    /// The path on the peer's machine, `home` being its user's home directory.
    public func resolved(home: String) -> String {
        guard inHome else { return "/" + relative }
        return relative.isEmpty ? home : (home.hasSuffix("/") ? home : home + "/") + relative
    }
}
