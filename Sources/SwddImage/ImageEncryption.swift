/// The cipher an encrypted image's frames are sealed with.
public enum ImageCipher: UInt8, Sendable {
    /// AES-256-GCM (BoringSSL through swift-crypto, on the CPU's AES instructions).
    case aes256gcm = 1

    public var name: String {
        switch self {
        case .aes256gcm: "aes-256-gcm"
        }
    }
}

/// What an encrypted image's header says about its encryption, readable without the key: the
/// cipher, and the id of the key (`ImageKey.id`) a reader needs.
public struct ImageEncryption: Sendable, Equatable {
    public var cipher: ImageCipher
    public var keyID: [UInt8]

    public var keyIDText: String { ImageWriter.hex(keyID) }

    public init(cipher: ImageCipher = .aes256gcm, keyID: [UInt8]) {
        self.cipher = cipher
        self.keyID = keyID
    }

    /// The image's cipher with `key`, or why `key` cannot open it (none given, or another key).
    func cipher(imageID: [UInt8], key: ImageKey?) throws(ImageFormatError) -> FrameCipher {
        guard let key else { throw .needsKey(keyID: keyIDText) }
        guard key.id == keyID else { throw .wrongKey(keyID: keyIDText, given: key.idText) }
        return key.cipher(forImage: imageID)
    }
}
