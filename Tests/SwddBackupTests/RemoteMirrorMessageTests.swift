#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SwddBackup
import SwddSystem

/// The remote mirror's messages survive the wire (a real pipe) as they were, and a stream that is
/// not the protocol — a shell's words, a cut-off message — is an error naming what it said, never
/// a message made of garbage.
@Suite struct RemoteMirrorMessageTests {
    static let digest = MirrorExpectedBytes(digest: Array(0..<16))
    static let messages: [RemoteMirrorMessage] = [
        .hello(protocolVersion: RemoteMirrorMessage.protocolVersion, swddVersion: "0.1.0"),
        .open(RemoteMirrorRequest(peerHoldsTarget: true, force: true, verifies: false, sourceSize: 3 << 30, sourceSectorSize: 4096,
                                  chunkSize: 1 << 20, path: RemoteMirrorPath(inHome: true, relative: "a b/it's $(x).raw"))),
        .open(RemoteMirrorRequest(peerHoldsTarget: false, force: false, verifies: true, sourceSize: 0, sourceSectorSize: 0,
                                  chunkSize: 1 << 20, path: RemoteMirrorPath(inHome: false, relative: "dev/sdb"))),
        .ready(size: 1 << 40, logicalSectorSize: 512, isRegularFile: false),
        .digest(offset: 5 << 20, length: 1 << 20, expected: digest),
        .digest(offset: 0, length: 4096, expected: .zeros),
        .block(offset: 7 << 20, length: 1 << 20, expected: digest, frame: [0x28, 0xB5, 0x2F, 0xFD, 1, 2, 3]),
        .block(offset: 1 << 20, length: 1 << 20, expected: .zeros, frame: []),
        .done(compared: 123_456_789),
        .summary(written: 10, zeroed: 2, verified: nil),
        .summary(written: 10, zeroed: 0, verified: 10),
        .failure(status: 4, message: "bytes 0..<1048576 do not hold what was written there"),
    ]

    /// A channel whose input is what `bytes` wrote into a pipe (then closed).
    static func channel(reading bytes: [UInt8]) throws -> RemoteMirrorChannel {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let reader = FileDescriptor(rawValue: ends[0])
        let writer = FileDescriptor(rawValue: ends[1])
        try bytes.withUnsafeBytes { try writer.writeAll($0) }
        try writer.close()
        return RemoteMirrorChannel(input: reader, output: FileDescriptor(rawValue: -1))
    }

    @Test func everyMessageCrossesAPipeUnchanged() throws {
        let channel = try Self.channel(reading: Self.messages.flatMap(\.encoded))
        for message in Self.messages { #expect(try channel.receive() == message) }
        #expect(try channel.receive() == nil)
        #expect(channel.bytesReceived == Int64(Self.messages.flatMap(\.encoded).count))
    }

    @Test func aShellsWordsAreNotAPeer() throws {
        let said = Array("sh: 1: swdd: not found\nmore\n".utf8)
        #expect(throws: RemoteMirrorError.notAPeer(said: "sh: 1: swdd: not found")) { try Self.channel(reading: said).receive() }
    }

    @Test func aMessageCutShortIsTheConnectionEnding() throws {
        let whole = RemoteMirrorMessage.done(compared: 1).encoded
        #expect(throws: RemoteMirrorError.connectionEnded) { try Self.channel(reading: Array(whole.dropLast())).receive() }
        #expect(throws: RemoteMirrorError.connectionEnded) { try Self.channel(reading: Array(whole.prefix(3))).receive() }
    }

    @Test func aHelloWithoutTheMagicIsNotAPeer() throws {
        var bytes = RemoteMirrorMessage.hello(protocolVersion: 1, swddVersion: "x").encoded
        bytes[5] = UInt8(ascii: "S")
        #expect(throws: RemoteMirrorError.self) { try Self.channel(reading: bytes).receive() }
    }

    @Test func aPathInTheHomeResolvesThere() {
        #expect(RemoteMirrorPath(inHome: true, relative: "d/x.raw").resolved(home: "/home/u") == "/home/u/d/x.raw")
        #expect(RemoteMirrorPath(inHome: true, relative: "").resolved(home: "/root/") == "/root/")
        #expect(RemoteMirrorPath(inHome: false, relative: "dev/sdb").resolved(home: "/home/u") == "/dev/sdb")
    }
}
