/// The sidecar of an image upload (`ID.img.zst.progress` beside `ID.img.zst.partial`): what
/// the run was (its key: chain, kind, parent, source, options — as text lines) and its header
/// frame, then one record per frame streamed, so that an interrupted upload can be continued
/// from its last complete frame, and its metadata written from what the records say. Written as
/// a stream, so its end may be cut anywhere: an incomplete last record is left out. An
/// encrypted image's records are sealed with the image's key (version 2): its blocks' digests,
/// read in the clear, would let whoever reads the store confirm a guess of what a block holds.
/// See docs/FORMAT.md for the byte layout.
public struct UploadProgress: Sendable, Equatable {
    static let signature = Array("SWDDPROG".utf8)
    static let version: UInt16 = 1
    static let sealedVersion: UInt16 = 2

    /// One frame as the image sink wrote it.
    public struct Frame: Sendable, Equatable {
        public var compressedSize: UInt32
        public var decompressedSize: UInt32
        public var states: [BlockState]
        public var digests: [UInt8]
    }

    /// What must be the same for a run to continue this upload, one `name=value` per line.
    public var key: String
    /// The image's header frame, as written first.
    public var header: [UInt8]
    public var frames: [Frame] = []
    /// What seals the records: the image's cipher, for an encrypted image.
    private var cipher: FrameCipher?

    /// A sidecar for the image `imageID`, its records sealed when `imageKey` encrypts it.
    public init(key: String, header: [UInt8], sealing imageKey: ImageKey? = nil, imageID: [UInt8] = []) {
        self.init(key: key, header: header, cipher: imageKey?.cipher(forImage: imageID))
    }

    private init(key: String, header: [UInt8], cipher: FrameCipher?) {
        self.key = key
        self.header = header
        self.cipher = cipher
    }

    /// The image bytes the frames take, with the header.
    public var imageBytes: Int64 { Int64(header.count) + frames.reduce(0) { $0 + Int64($1.compressedSize) } }
    /// The source bytes the frames hold.
    public var sourceBytes: Int64 { frames.reduce(0) { $0 + Int64($1.decompressedSize) } }

    /// The frames wholly within the first `size` bytes of the partial image (nil when even its
    /// header is not): where an upload cut at `size` continues.
    public func keeping(partialSize size: Int64) -> UploadProgress? {
        guard size >= Int64(header.count) else { return nil }
        var kept = UploadProgress(key: key, header: header, cipher: cipher)
        var end = Int64(header.count)
        for frame in frames {
            end += Int64(frame.compressedSize)
            guard end <= size else { break }
            kept.frames.append(frame)
        }
        return kept
    }

    /// The signature, key and header: how the sidecar starts.
    public func encodedPreamble() -> [UInt8] {
        var w = ByteWriter(capacity: 64 + key.utf8.count + header.count)
        w.raw(Self.signature)
        w.u16(cipher == nil ? Self.version : Self.sealedVersion)
        w.u32(UInt32(key.utf8.count))
        w.raw(Array(key.utf8))
        w.u32(UInt32(header.count))
        w.raw(header)
        return w.bytes
    }

    /// The whole sidecar: preamble and every frame's record.
    public func encoded() throws -> [UInt8] {
        try frames.indices.reduce(into: encodedPreamble()) { $0 += try record(frames[$1], index: $1) }
    }

    /// Frame `index`'s record: sizes, block count, the blocks' states, their digests; sealed,
    /// its length first, when the image is encrypted.
    func record(_ frame: Frame, index: Int) throws -> [UInt8] {
        var w = ByteWriter(capacity: 16 + frame.states.count + frame.digests.count)
        w.u32(frame.compressedSize)
        w.u32(frame.decompressedSize)
        w.u32(UInt32(frame.states.count))
        w.u32(UInt32(frame.digests.count))
        w.raw(frame.states.map(\.rawValue))
        w.raw(frame.digests)
        guard let cipher else { return w.bytes }
        let sealed = try cipher.sealRecord(w.bytes, index: index)
        var out = ByteWriter(capacity: 4 + sealed.count)
        out.u32(UInt32(sealed.count))
        out.raw(sealed)
        return out.bytes
    }

    /// The sidecar of image `imageID` up to its last complete (and, sealed, authentic) record;
    /// nil when its preamble is not whole, not one this swdd wrote, or sealed and no
    /// `imageKey` is given. Sealed with another key (or for another image), no record opens.
    public static func decode(_ bytes: [UInt8], sealing imageKey: ImageKey? = nil, imageID: [UInt8] = []) -> UploadProgress? {
        var r = ByteReader(bytes)
        guard let signature = try? r.raw(8), signature == Self.signature, let version = try? r.u16(),
              version == Self.version || version == Self.sealedVersion,
              let keyCount = try? r.u32(), let key = try? r.raw(Int(keyCount)),
              let headerCount = try? r.u32(), let header = try? r.raw(Int(headerCount)) else { return nil }
        let cipher = version == Self.sealedVersion ? imageKey?.cipher(forImage: imageID) : nil
        guard (version == Self.sealedVersion) == (cipher != nil) else { return nil }
        var progress = UploadProgress(key: String(decoding: key, as: UTF8.self), header: header, cipher: cipher)
        while r.remaining > 0 {
            var record = r
            if let cipher {
                guard let count = try? r.u32(), let sealed = try? r.raw(Int(count)),
                      let opened = cipher.openRecord(sealed, index: progress.frames.count) else { break }
                record = ByteReader(opened)
            }
            guard let compressed = try? record.u32(), let decompressed = try? record.u32(), let blocks = try? record.u32(),
                  let digestBytes = try? record.u32(), let rawStates = try? record.raw(Int(blocks)),
                  let digests = try? record.raw(Int(digestBytes)) else { break }
            let states = rawStates.compactMap(BlockState.init(rawValue:))
            guard states.count == rawStates.count else { break }
            progress.frames.append(Frame(compressedSize: compressed, decompressedSize: decompressed, states: states, digests: digests))
            if cipher == nil { r = record }
        }
        return progress
    }

    /// How `other`'s key differs from this one, as "name was A, is B" for its first differing
    /// line; nil when they are the same.
    public func keyDifference(_ other: String) -> String? {
        let was = key.split(separator: "\n", omittingEmptySubsequences: false)
        let now = other.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(was.count, now.count) {
            let a = index < was.count ? String(was[index]) : "", b = index < now.count ? String(now[index]) : ""
            guard a != b else { continue }
            let name = (a.split(separator: "=").first ?? b.split(separator: "=").first).map(String.init) ?? "?"
            return "its \(name) was '\(a.drop { $0 != "=" }.dropFirst())', is '\(b.drop { $0 != "=" }.dropFirst())'"
        }
        return nil
    }
}
