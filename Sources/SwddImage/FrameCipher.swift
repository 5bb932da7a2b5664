import Crypto

/// Where a data frame sits, which its seal binds it to: a frame moved to another position, or
/// into another image, no longer opens.
struct FramePosition: Sendable {
    var index: Int
    var sourceOffset: Int64
    var length: Int
}

/// An encrypted image's cipher: AES-256-GCM under the image's own key (`ImageKey`), sealing
/// each stored frame and the metadata with a random 96-bit nonce kept beside it. Nonces are
/// never derived from a frame's position: a continued upload may encode a frame again with
/// other bytes, and a versioned bucket keeps both. See docs/FORMAT.md, "Encryption".
///
/// A sealed frame is `u32 magic, u32 size (of what follows), u32 content length, nonce,
/// ciphertext, tag`. The magic is neither zstd's nor a skippable frame's, so a plain zstd
/// decoder stops at the first one with an error instead of writing something wrong.
struct FrameCipher: Sendable, Equatable {
    struct Failure: Error, Sendable {
        var reason: String
    }

    /// "SWDE", little-endian.
    static let sealedFrameMagic: UInt32 = 0x4544_5753
    static let headSize = 12
    static let nonceSize = 12
    static let tagSize = 16
    /// What sealing adds to a frame.
    static let overhead = headSize + nonceSize + tagSize

    /// The image's key's bytes (swift-crypto's `SymmetricKey` is not `Sendable`; one is made
    /// per use, which costs an allocation per frame).
    private let keyBytes: [UInt8]
    let imageID: [UInt8]

    init(key: [UInt8], imageID: [UInt8]) {
        keyBytes = key
        self.imageID = imageID
    }

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Seals the zstd frame `frame` at `position` into `destination` (at least
    /// `frame.count + overhead` bytes); returns the sealed frame's size.
    func sealFrame(_ frame: UnsafeRawBufferPointer, at position: FramePosition, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        let box = try AES.GCM.seal(frame, using: key, nonce: AES.GCM.Nonce(), authenticating: associatedData(position))
        let total = Self.overhead + frame.count
        precondition(destination.count >= total, "a frame buffer without room for the seal")
        destination.storeBytes(of: Self.sealedFrameMagic.littleEndian, toByteOffset: 0, as: UInt32.self)
        destination.storeBytes(of: UInt32(total - 8).littleEndian, toByteOffset: 4, as: UInt32.self)
        destination.storeBytes(of: UInt32(position.length).littleEndian, toByteOffset: 8, as: UInt32.self)
        var at = Self.headSize
        box.nonce.withUnsafeBytes { destination.baseAddress!.advanced(by: at).copyMemory(from: $0.baseAddress!, byteCount: Self.nonceSize) }
        at += Self.nonceSize
        box.ciphertext.withUnsafeBytes { destination.baseAddress!.advanced(by: at).copyMemory(from: $0.baseAddress!, byteCount: frame.count) }
        at += frame.count
        box.tag.withUnsafeBytes { destination.baseAddress!.advanced(by: at).copyMemory(from: $0.baseAddress!, byteCount: Self.tagSize) }
        return total
    }

    /// The sealed frame `sealed` at `position`, authenticated and decrypted, handed to `body`.
    /// Anything else — a plain zstd frame, a frame of another image or position, a flipped
    /// byte, another key — is refused.
    func openFrame<T>(_ sealed: UnsafeRawBufferPointer, at position: FramePosition, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        guard sealed.count >= Self.overhead, sealed.u32(at: 0) == Self.sealedFrameMagic else {
            throw Failure(reason: "not a sealed frame (an encrypted image holds no other data frames)")
        }
        guard Int(sealed.u32(at: 4)) == sealed.count - 8, Int(sealed.u32(at: 8)) == position.length else {
            throw Failure(reason: "a sealed frame whose sizes disagree with the seek table")
        }
        return try open(UnsafeRawBufferPointer(rebasing: sealed[Self.headSize...]), authenticating: associatedData(position), body)
    }

    /// The metadata frame's payload, sealed: nonce, ciphertext, tag.
    func sealMetadata(_ payload: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.seal(payload, using: key, nonce: AES.GCM.Nonce(), authenticating: metadataAssociatedData)
        return box.nonce.withUnsafeBytes { Array($0) } + Array(box.ciphertext) + Array(box.tag)
    }

    func openMetadata(_ sealed: [UInt8]) throws(Failure) -> [UInt8] {
        do {
            return try sealed.withUnsafeBytes { try open($0, authenticating: metadataAssociatedData) { Array($0) } }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(reason: "the metadata does not open with the key")
        }
    }

    /// `nonce, ciphertext, tag`, authenticated against `associated` and decrypted for `body`.
    private func open<T>(_ sealed: UnsafeRawBufferPointer, authenticating associated: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        guard sealed.count >= Self.nonceSize + Self.tagSize else { throw Failure(reason: "a sealed frame cut short") }
        let opened = Result {
            let box = try AES.GCM.SealedBox(nonce: try AES.GCM.Nonce(data: UnsafeRawBufferPointer(rebasing: sealed[..<Self.nonceSize])),
                                            ciphertext: UnsafeRawBufferPointer(rebasing: sealed[Self.nonceSize..<(sealed.count - Self.tagSize)]),
                                            tag: UnsafeRawBufferPointer(rebasing: sealed[(sealed.count - Self.tagSize)...]))
            return try AES.GCM.open(box, using: key, authenticating: associated)
        }
        guard case .success(let plain) = opened else {
            throw Failure(reason: "it does not authenticate with the key: altered, damaged, or not in its place")
        }
        return try plain.withUnsafeBytes(body)
    }

    private func associatedData(_ position: FramePosition) -> [UInt8] {
        var w = ByteWriter(capacity: 44)
        w.raw(Array("SWDDFRAM".utf8))
        w.raw(imageID)
        w.u64(UInt64(position.index))
        w.u64(UInt64(position.sourceOffset))
        w.u32(UInt32(position.length))
        return w.bytes
    }

    private var metadataAssociatedData: [UInt8] { Array("SWDDMETA".utf8) + imageID }

    /// Record `index` of an upload's sidecar (`UploadProgress`), sealed: nonce, ciphertext, tag.
    func sealRecord(_ payload: [UInt8], index: Int) throws -> [UInt8] {
        let box = try AES.GCM.seal(payload, using: key, nonce: AES.GCM.Nonce(), authenticating: recordAssociatedData(index))
        return box.nonce.withUnsafeBytes { Array($0) } + Array(box.ciphertext) + Array(box.tag)
    }

    /// Record `index` opened; nil when it does not authenticate (damaged, moved, another key).
    func openRecord(_ sealed: [UInt8], index: Int) -> [UInt8]? {
        try? sealed.withUnsafeBytes { try open($0, authenticating: recordAssociatedData(index)) { Array($0) } }
    }

    private func recordAssociatedData(_ index: Int) -> [UInt8] {
        var w = ByteWriter(capacity: 32)
        w.raw(Array("SWDDPREC".utf8))
        w.raw(imageID)
        w.u64(UInt64(index))
        return w.bytes
    }
}
