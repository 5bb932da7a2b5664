import Testing
@testable import SwddImage

/// A sealed frame opens only with its image's key, at its own position: the associated data
/// binds it to the image id, the frame index, the source offset and the length.
@Suite struct FrameCipherTests {
    static let keyFile = (0..<32).map { UInt8($0 * 7 & 0xFF) }
    static let frame = ZeroFrames().frame(length: 1 << 20)
    static let position = FramePosition(index: 3, sourceOffset: 3 << 20, length: 1 << 20)

    static func seal(_ cipher: FrameCipher, at position: FramePosition = position) throws -> [UInt8] {
        var sealed = [UInt8](repeating: 0, count: frame.count + FrameCipher.overhead)
        let n = try frame.withUnsafeBytes { plain in try sealed.withUnsafeMutableBytes { try cipher.sealFrame(plain, at: position, into: $0) } }
        #expect(n == sealed.count)
        return sealed
    }

    static func opens(_ sealed: [UInt8], with cipher: FrameCipher, at position: FramePosition = position) -> Bool {
        var out = [UInt8](repeating: 1, count: 1 << 20)
        let n = try? sealed.withUnsafeBytes { stored in
            try out.withUnsafeMutableBytes { try StoredFrame.decode(stored, at: position, cipher: cipher, codec: ZstdCodec(), into: $0) }
        }
        return n == 1 << 20 && out.allSatisfy { $0 == 0 }
    }

    @Test func aSealedFrameOpensWhereItWasSealed() throws {
        let cipher = try ImageKey(keyFileBytes: Self.keyFile).cipher(forImage: Array(repeating: 1, count: 16))
        #expect(Self.opens(try Self.seal(cipher), with: cipher))
    }

    @Test func twoSealsOfOneFrameDiffer() throws {
        // A random nonce each time: a frame sealed again (a continued upload) never reuses one.
        let cipher = try ImageKey(keyFileBytes: Self.keyFile).cipher(forImage: Array(repeating: 1, count: 16))
        #expect(try Self.seal(cipher) != Self.seal(cipher))
    }

    @Test func aFrameDoesNotOpenElsewhere() throws {
        let key = try ImageKey(keyFileBytes: Self.keyFile)
        let cipher = key.cipher(forImage: Array(repeating: 1, count: 16))
        let sealed = try Self.seal(cipher)
        var moved = Self.position
        moved.index = 4
        #expect(!Self.opens(sealed, with: cipher, at: moved))
        moved = Self.position
        moved.sourceOffset += 1 << 20
        #expect(!Self.opens(sealed, with: cipher, at: moved))
        #expect(!Self.opens(sealed, with: key.cipher(forImage: Array(repeating: 2, count: 16))), "another image of the same key")
        var otherKeyFile = Self.keyFile
        otherKeyFile[0] ^= 1
        #expect(!Self.opens(sealed, with: try ImageKey(keyFileBytes: otherKeyFile).cipher(forImage: Array(repeating: 1, count: 16))))
        var flipped = sealed
        flipped[sealed.count / 2] ^= 0x80
        #expect(!Self.opens(flipped, with: cipher))
        // A plain zstd frame is no substitute for a sealed one in an encrypted image.
        #expect(!Self.opens(Self.frame, with: cipher))
    }

    @Test func theKeyIDComesFromTheFileAndIsNotTheKey() throws {
        let key = try ImageKey(keyFileBytes: Self.keyFile)
        #expect(key.id.count == 8)
        #expect(try ImageKey(keyFileBytes: Self.keyFile).id == key.id)
        #expect(!Self.keyFile.indices.dropLast(7).contains { Array(Self.keyFile[$0..<($0 + 8)]) == key.id })
        #expect(throws: ImageKey.Unusable.self) { try ImageKey(keyFileBytes: Array(Self.keyFile.prefix(31))) }
    }

    @Test func theMetadataOpensOnlyWithItsImagesKey() throws {
        let key = try ImageKey(keyFileBytes: Self.keyFile)
        let cipher = key.cipher(forImage: Array(repeating: 1, count: 16))
        let sealed = try cipher.sealMetadata(Array("SWDDMETA and the rest".utf8))
        #expect(try cipher.openMetadata(sealed) == Array("SWDDMETA and the rest".utf8))
        #expect(throws: FrameCipher.Failure.self) { try key.cipher(forImage: Array(repeating: 2, count: 16)).openMetadata(sealed) }
    }
}
