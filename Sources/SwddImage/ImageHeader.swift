/// The first frame of an image (a skippable frame, magic 0x184D2A5B): what is known before the
/// first chunk is read, so a reader — or a restore from a pipe — knows the layout at once and
/// `swdd` recognises its own images from their first bytes. The metadata frame at the end is
/// authoritative; these fields must agree with it.
public struct ImageHeader: Sendable, Equatable {
    static let signature = Array("SWDDIMG\0".utf8)
    public static let formatVersion: UInt16 = 1
    /// An encrypted image's header: version 1's fields, then its encryption. A reader that
    /// knows only version 1 refuses it as newer, rather than taking its sealed frames for damage.
    public static let encryptedFormatVersion: UInt16 = 2

    public var version: UInt16 = formatVersion
    public var hash: BlockHashAlgorithm
    public var chunkSize: Int
    public var blockSize: Int
    public var sectorSize: Int
    /// The source's size when known at the start (0 for a stream such as standard input).
    public var announcedSourceSize: Int64
    public var imageID: [UInt8]
    /// Full, or what it descends from: known at the start, so a restore from a pipe can refuse
    /// an image whose blocks partly live in its parent before it writes anything.
    public var kind: ImageKind = .full
    public var parentID: [UInt8] = ImageMetadata.noParent
    /// nil: frames and metadata are plain.
    public var encryption: ImageEncryption? {
        didSet { version = encryption == nil ? Self.formatVersion : Self.encryptedFormatVersion }
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.raw(Self.signature)
        w.u16(version)
        w.u16(hash.rawValue)
        w.u32(UInt32(chunkSize))
        w.u32(UInt32(blockSize))
        w.u32(UInt32(sectorSize))
        w.u64(UInt64(announcedSourceSize))
        w.raw(imageID)
        w.u8(kind.rawValue)
        w.raw(parentID)
        if let encryption {
            w.u8(encryption.cipher.rawValue)
            w.raw(encryption.keyID)
        }
        return SkippableFrame.encode(magic: SkippableFrame.headerMagic, payload: w.bytes)
    }

    /// Parses a header frame's payload.
    static func decode(_ payload: [UInt8]) throws(ImageFormatError) -> ImageHeader {
        var r = ByteReader(payload)
        do {
            guard try r.raw(8) == signature else { throw ImageFormatError.notAnImage("the first frame is not a swdd header") }
            let version = try r.u16()
            guard version == formatVersion || version == encryptedFormatVersion else { throw ImageFormatError.unsupportedVersion(version) }
            guard let hash = BlockHashAlgorithm(rawValue: try r.u16()) else { throw ImageFormatError.damaged(offset: 0, "unknown block hash algorithm") }
            var header = ImageHeader(version: version, hash: hash, chunkSize: Int(try r.u32()), blockSize: Int(try r.u32()),
                                     sectorSize: Int(try r.u32()), announcedSourceSize: Int64(bitPattern: try r.u64()), imageID: try r.raw(16))
            guard let kind = ImageKind(rawValue: try r.u8()) else { throw ImageFormatError.damaged(offset: 0, "unknown image kind") }
            header.kind = kind
            header.parentID = try r.raw(16)
            if version == encryptedFormatVersion {
                guard let cipher = ImageCipher(rawValue: try r.u8()) else { throw ImageFormatError.damaged(offset: 0, "unknown cipher") }
                header.encryption = ImageEncryption(cipher: cipher, keyID: try r.raw(ImageKey.idSize))
            }
            return header
        } catch let error as ImageFormatError {
            throw error
        } catch {
            throw ImageFormatError.damaged(offset: 0, "the header frame is cut short")
        }
    }
}
