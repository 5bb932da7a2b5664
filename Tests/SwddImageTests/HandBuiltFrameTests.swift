import Testing
@testable import SwddImage

/// The frames swdd builds without the compressor must be frames libzstd itself decodes — with
/// their content checksum checked.
@Suite struct HandBuiltFrameTests {
    static let lengths = [1, 100, 128 << 10, (128 << 10) + 1, 1 << 20, (4 << 20) - 3]

    @Test(arguments: lengths)
    func zeroFramesDecodeToZeros(length: Int) throws {
        let frame = ZeroFrames().frame(length: length)
        #expect(frame.count == HandBuiltFrame.zeroFrameSize(length: length))
        var out = [UInt8](repeating: 0xAA, count: length + 16)
        let n = try frame.withUnsafeBytes { f in try out.withUnsafeMutableBytes { try ZstdCodec().decompress(f, into: $0) } }
        #expect(n == length)
        #expect(out.prefix(length).allSatisfy { $0 == 0 })
    }

    @Test(arguments: lengths)
    func storedFramesDecodeToTheirBytes(length: Int) throws {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        var frame = [UInt8](repeating: 0, count: HandBuiltFrame.storedFrameSize(length: length))
        let size = bytes.withUnsafeBytes { b in frame.withUnsafeMutableBytes { HandBuiltFrame.writeStoredFrame(b, to: $0.baseAddress!) } }
        #expect(size == frame.count)
        var out = [UInt8](repeating: 0, count: length)
        let n = try frame.withUnsafeBytes { f in try out.withUnsafeMutableBytes { try ZstdCodec().decompress(f, into: $0) } }
        #expect(n == length && out == bytes)
    }

    /// A wrong byte in the content or the checksum makes libzstd refuse the frame.
    @Test func aDamagedHandBuiltFrameIsRefused() throws {
        let bytes = [UInt8](repeating: 9, count: 5000)
        var frame = [UInt8](repeating: 0, count: HandBuiltFrame.storedFrameSize(length: bytes.count))
        _ = bytes.withUnsafeBytes { b in frame.withUnsafeMutableBytes { HandBuiltFrame.writeStoredFrame(b, to: $0.baseAddress!) } }
        frame[100] ^= 1
        var out = [UInt8](repeating: 0, count: bytes.count)
        #expect(throws: ZstdCodec.Failure.self) {
            _ = try frame.withUnsafeBytes { f in try out.withUnsafeMutableBytes { try ZstdCodec().decompress(f, into: $0) } }
        }
    }
}

@Suite struct FormatStructureTests {
    @Test func seekTableRoundTrips() throws {
        var table = SeekTable()
        table.entries = [.init(compressedSize: 50, decompressedSize: 0), .init(compressedSize: 45, decompressedSize: 1 << 20)]
        let bytes = table.encoded()
        #expect(bytes.count == SeekTable.size(frames: 2))
        #expect(try SeekTable.frameCount(footer: Array(bytes.suffix(9))) == 2)
        #expect(try SeekTable.parse(bytes, frames: 2) == table)
        var checksummed = Array(bytes.suffix(9))
        checksummed[4] = 0x80
        #expect(throws: SeekTable.ParseError.checksumsNotSupported) { try SeekTable.frameCount(footer: checksummed) }
        #expect(throws: SeekTable.ParseError.noFooter) { try SeekTable.frameCount(footer: [UInt8](repeating: 0, count: 9)) }
    }

    static func sampleMetadata() -> ImageMetadata {
        var m = ImageMetadata(hash: .xxh3_128, chunkSize: 1 << 20, blockSize: 1 << 20, sectorSize: 4096, sourceSize: 3 << 20,
                              imageID: Array(1...16), created: 1_790_000_000,
                              source: SourceIdentity(path: "/dev/sdb1", type: "ext4", uuid: "1234-abcd", label: "böot"))
        m.blockStates = [.data, .zero, .unreadable]
        m.blockDigests = (0..<48).map { UInt8($0) }
        m.unreadable = [(2 << 20, 4096)]
        return m
    }

    @Test func metadataRoundTripsAndItsChecksumCatchesOneFlippedBit() throws {
        let m = Self.sampleMetadata()
        let payload = m.encodedPayload()
        let back = try ImageMetadata.decode(payload, offset: 0)
        #expect(back == m)
        #expect(back.source.label == "böot" && back.unreadable.first?.length == 4096)
        for index in [0, 20, payload.count / 2, payload.count - 1] {
            var damaged = payload
            damaged[index] ^= 0x10
            #expect(throws: ImageFormatError.self) { try ImageMetadata.decode(damaged, offset: 77) }
        }
    }

    @Test func headerRoundTrips() throws {
        let header = ImageHeader(hash: .sha256, chunkSize: 4 << 20, blockSize: 1 << 20, sectorSize: 512, announcedSourceSize: 12345, imageID: Array(repeating: 7, count: 16))
        let frame = header.encoded()
        #expect(Array(frame.prefix(4)) == [0x5B, 0x2A, 0x4D, 0x18])
        #expect(try ImageHeader.decode(Array(frame.dropFirst(8))) == header)
    }

    /// XXH3-128 in the canonical form xxh128sum prints; SHA-256 as sha256sum does.
    @Test func blockDigestsMatchTheReferenceTools() {
        let empty: [UInt8] = []
        let xxh = empty.withUnsafeBytes { BlockHashAlgorithm.xxh3_128.digest($0) }
        #expect(ImageWriter.hex(xxh) == "99aa06d3014798d86001c324468d497f")
        let sha = Array("abc".utf8).withUnsafeBytes { BlockHashAlgorithm.sha256.digest($0) }
        #expect(ImageWriter.hex(sha) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
