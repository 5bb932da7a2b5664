import Crypto

/// What a block of the source holds, as the block map records it.
public enum BlockState: UInt8, Sendable {
    /// Data, stored in its frame.
    case data = 0
    /// All zeros (or a hole of the source): its frame is an RLE frame made without the compressor.
    case zero = 1
    /// Not stored here: take it from the parent image (incremental and differential images).
    case inherited = 2
    /// The source could not be read there (`--keep-going`); zeros are stored in its place.
    case unreadable = 3
    /// Free space of a filesystem (`--used`): never read, its frame bytes zeros and its digest
    /// that of zeros; a restore leaves the target's bytes there as they are.
    case unused = 4
}

/// Who the image descends from, and how.
public enum ImageKind: UInt8, Sendable, CaseIterable {
    case full = 0, incremental = 1, differential = 2

    public var name: String {
        switch self {
        case .full: "full"
        case .incremental: "incremental"
        case .differential: "differential"
        }
    }
}

/// Where an image came from, as the image records it (libblkid's view, when there was one).
public struct SourceIdentity: Sendable, Equatable {
    public var path: String
    public var type: String
    public var uuid: String
    public var label: String

    public init(path: String, type: String = "", uuid: String = "", label: String = "") {
        self.path = path
        self.type = type
        self.uuid = uuid
        self.label = label
    }
}

/// The metadata frame (a skippable frame, magic 0x184D2A5C, just before the seek table): the
/// layout, the block map and a hash of every block, and a SHA-256 over all of it. Written last,
/// when every block is known; see docs/FORMAT.md for the byte layout.
public struct ImageMetadata: Sendable, Equatable {
    static let signature = Array("SWDDMETA".utf8)

    public var version: UInt16 = ImageHeader.formatVersion
    public var hash: BlockHashAlgorithm
    public var chunkSize: Int
    public var blockSize: Int
    public var sectorSize: Int
    public var sourceSize: Int64
    public var imageID: [UInt8]
    /// All zeros for a full image.
    public var parentID: [UInt8] = noParent
    public var kind: ImageKind = .full
    /// Seconds since the Unix epoch (UTC).
    public var created: Int64
    public var source: SourceIdentity
    public var blockStates: [BlockState] = []
    /// `hash.digestSize` bytes per block, back to back.
    public var blockDigests: [UInt8] = []
    /// Byte ranges of the source that could not be read (offset, length).
    public var unreadable: [(offset: Int64, length: Int64)] = []
    /// The filesystems `--used` examined (an optional last section: absent in other images).
    public var filesystems: [FilesystemRecord] = []

    public var blockCount: Int { blockStates.count }

    /// The parent id of an image that has none.
    public static let noParent = [UInt8](repeating: 0, count: 16)

    public var hasParent: Bool { parentID != Self.noParent }

    public func digest(ofBlock index: Int) -> ArraySlice<UInt8> {
        let size = hash.digestSize
        return blockDigests[index * size..<(index + 1) * size]
    }

    public static func == (a: ImageMetadata, b: ImageMetadata) -> Bool {
        a.encodedPayload() == b.encodedPayload()
    }

    func encodedPayload() -> [UInt8] {
        var w = ByteWriter(capacity: 160 + blockStates.count * (1 + hash.digestSize))
        w.raw(Self.signature)
        w.u16(version)
        w.u16(hash.rawValue)
        w.u32(UInt32(chunkSize))
        w.u32(UInt32(blockSize))
        w.u32(UInt32(sectorSize))
        w.u64(UInt64(sourceSize))
        w.raw(imageID)
        w.raw(parentID)
        w.u8(kind.rawValue)
        w.i64(created)
        w.text(source.path)
        w.text(source.type)
        w.text(source.uuid)
        w.text(source.label)
        w.u64(UInt64(blockStates.count))
        w.raw(blockStates.map(\.rawValue))
        w.raw(blockDigests)
        w.u32(UInt32(unreadable.count))
        for range in unreadable {
            w.u64(UInt64(range.offset))
            w.u64(UInt64(range.length))
        }
        if !filesystems.isEmpty {
            w.u32(UInt32(filesystems.count))
            for record in filesystems {
                w.u64(UInt64(record.offset))
                w.u64(UInt64(record.length))
                w.u32(UInt32(record.partition))
                w.text(record.type)
                w.u64(UInt64(record.usedBytes))
                w.text(record.keptInFullBecause)
            }
        }
        let checksum = Array(SHA256.hash(data: w.bytes))
        w.raw(checksum)
        return w.bytes
    }

    /// The metadata frame; an encrypted image's payload is sealed whole (`cipher`), so its
    /// block map and digests say nothing without the key.
    func encoded(sealedWith cipher: FrameCipher? = nil) throws -> [UInt8] {
        let payload = encodedPayload()
        return SkippableFrame.encode(magic: SkippableFrame.metadataMagic, payload: try cipher?.sealMetadata(payload) ?? payload)
    }

    /// Parses and checks a metadata frame's payload, opening it first with an encrypted image's
    /// `cipher`; `offset` (of the frame in the file) is for messages.
    static func decode(_ stored: [UInt8], offset: Int64, cipher: FrameCipher? = nil) throws(ImageFormatError) -> ImageMetadata {
        var payload = stored
        if let cipher {
            do {
                payload = try cipher.openMetadata(stored)
            } catch {
                throw .damaged(offset: offset, "the metadata: \(error.reason)")
            }
        }
        guard payload.count > 32 else { throw .damaged(offset: offset, "the metadata frame is cut short") }
        let body = Array(payload[..<(payload.count - 32)])
        guard Array(SHA256.hash(data: body)) == Array(payload[(payload.count - 32)...]) else {
            throw .damaged(offset: offset, "the metadata checksum does not match")
        }
        var r = ByteReader(body)
        do {
            guard try r.raw(8) == signature else { throw ImageFormatError.damaged(offset: offset, "the metadata frame has no signature") }
            let version = try r.u16()
            guard version == ImageHeader.formatVersion else { throw ImageFormatError.unsupportedVersion(version) }
            guard let hash = BlockHashAlgorithm(rawValue: try r.u16()) else {
                throw ImageFormatError.damaged(offset: offset, "unknown block hash algorithm")
            }
            var m = ImageMetadata(hash: hash, chunkSize: Int(try r.u32()), blockSize: Int(try r.u32()), sectorSize: Int(try r.u32()),
                                  sourceSize: Int64(bitPattern: try r.u64()), imageID: try r.raw(16), created: 0,
                                  source: SourceIdentity(path: ""))
            m.version = version
            m.parentID = try r.raw(16)
            guard let kind = ImageKind(rawValue: try r.u8()) else { throw ImageFormatError.damaged(offset: offset, "unknown image kind") }
            m.kind = kind
            m.created = try r.i64()
            m.source = SourceIdentity(path: try r.text(), type: try r.text(), uuid: try r.text(), label: try r.text())
            let blocks = Int(try r.u64())
            guard blocks <= r.remaining else { throw ImageFormatError.damaged(offset: offset, "the block map is cut short") }
            var states: [BlockState] = []
            states.reserveCapacity(blocks)
            for raw in try r.raw(blocks) {
                guard let state = BlockState(rawValue: raw) else { throw ImageFormatError.damaged(offset: offset, "unknown block state \(raw)") }
                states.append(state)
            }
            m.blockStates = states
            m.blockDigests = try r.raw(blocks * hash.digestSize)
            let ranges = Int(try r.u32())
            for _ in 0..<ranges { m.unreadable.append((Int64(bitPattern: try r.u64()), Int64(bitPattern: try r.u64()))) }
            if r.remaining > 0 {
                for _ in 0..<Int(try r.u32()) {
                    m.filesystems.append(FilesystemRecord(offset: Int64(bitPattern: try r.u64()), length: Int64(bitPattern: try r.u64()),
                                                          partition: Int(try r.u32()), type: try r.text(),
                                                          usedBytes: Int64(bitPattern: try r.u64()), keptInFullBecause: try r.text()))
                }
            }
            return m
        } catch let error as ImageFormatError {
            throw error
        } catch {
            throw ImageFormatError.damaged(offset: offset, "the metadata frame is cut short")
        }
    }
}
