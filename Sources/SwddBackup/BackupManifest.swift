import SwddImage

/// What makes an image of a repository exist: written last, once the image file is complete
/// and on disk, write-once, and checked by its own SHA-256. It names the image, its chain, its
/// kind and parent, and the source it was made from, so a repository can be listed, a chain
/// followed and a source recognised without opening any image.
///
/// Text, one `key value` per line (values percent-escaped: `%`, newline, carriage return),
/// ending with `checksum sha256 HEX` over every byte before that line; see docs/FORMAT.md.
public struct BackupManifest: Sendable, Equatable {
    public static let formatLine = "swdd-manifest 1"

    public var id: [UInt8]
    public var chain: String
    public var kind: ImageKind
    public var parent: [UInt8]?
    /// Seconds since the epoch.
    public var created: Int64
    /// The image's place in its chain's history: one more than the chain's highest when it was
    /// made (backups of a chain are one at a time), so two images made in the same second
    /// still have an order.
    public var sequence: Int = 1
    public var source: SourceIdentity
    public var sourceSize: Int64
    public var sectorSize: Int
    public var blockSize: Int
    /// Bytes of the image file.
    public var imageBytes: Int64
    /// Blocks this image stores (data), inherits, and holds as zeros.
    public var storedBlocks: Int
    public var inheritedBlocks: Int
    public var zeroBlocks: Int

    public var idText: String { ImageWriter.hex(id) }

    /// Oldest first: by creation time, then place in the chain, then id.
    public var order: (Int64, Int, String) { (created, sequence, idText) }
    public var parentText: String? { parent.map(ImageWriter.hex) }
    /// The image file's name inside `images/`.
    public var imageFileName: String { ImageChainFiles.fileName(id: id) }

    public init(id: [UInt8], chain: String, kind: ImageKind, parent: [UInt8]?, created: Int64, source: SourceIdentity, sourceSize: Int64,
                sectorSize: Int, blockSize: Int, imageBytes: Int64, storedBlocks: Int, inheritedBlocks: Int, zeroBlocks: Int,
                sequence: Int = 1) {
        self.id = id
        self.chain = chain
        self.kind = kind
        self.parent = parent
        self.created = created
        self.source = source
        self.sourceSize = sourceSize
        self.sectorSize = sectorSize
        self.blockSize = blockSize
        self.imageBytes = imageBytes
        self.storedBlocks = storedBlocks
        self.inheritedBlocks = inheritedBlocks
        self.zeroBlocks = zeroBlocks
        self.sequence = sequence
    }

    public func encoded() -> [UInt8] {
        var lines = [Self.formatLine]
        for (key, value) in fields { lines.append(key + " " + Self.escape(value)) }
        return SealedText.seal(lines)
    }

    private var fields: [(String, String)] {
        [("id", idText), ("chain", chain), ("kind", kind.name), ("parent", parentText ?? "-"), ("created", String(created)), ("sequence", String(sequence)),
         ("source-path", source.path), ("source-type", source.type), ("source-uuid", source.uuid), ("source-label", source.label),
         ("source-size", String(sourceSize)), ("sector-size", String(sectorSize)), ("block-size", String(blockSize)),
         ("image-bytes", String(imageBytes)), ("stored-blocks", String(storedBlocks)), ("inherited-blocks", String(inheritedBlocks)),
         ("zero-blocks", String(zeroBlocks))]
    }

    /// Why a manifest cannot be used.
    public struct Invalid: Error, Sendable {
        public var reason: String
    }

    public static func decode(_ bytes: [UInt8]) throws(Invalid) -> BackupManifest {
        let lines: [Substring]
        switch SealedText.open(bytes, formatLine: formatLine, what: "a swdd manifest of version 1") {
        case .success(let found): lines = found
        case .failure(let refusal): throw Invalid(reason: refusal.reason)
        }
        var values: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            values[String(parts[0])] = parts.count > 1 ? unescape(String(parts[1])) : ""
        }
        func text(_ key: String) throws(Invalid) -> String {
            guard let value = values[key] else { throw Invalid(reason: "it has no \(key)") }
            return value
        }
        func number(_ key: String) throws(Invalid) -> Int64 {
            guard let value = Int64(try text(key)), value >= 0 else { throw Invalid(reason: "its \(key) is not a number") }
            return value
        }
        func id(_ key: String) throws(Invalid) -> [UInt8] {
            guard let bytes = hexBytes(try text(key)), bytes.count == 16 else { throw Invalid(reason: "its \(key) is not an image id") }
            return bytes
        }
        guard let kind = ImageKind.allCases.first(where: { $0.name == values["kind"] }) else { throw Invalid(reason: "its kind is unknown") }
        let parent = try text("parent") == "-" ? nil : try id("parent")
        guard (kind == .full) == (parent == nil) else { throw Invalid(reason: "a \(kind.name) image with\(parent == nil ? "out" : "") a parent") }
        return BackupManifest(
            id: try id("id"), chain: try text("chain"), kind: kind, parent: parent, created: try number("created"),
            source: SourceIdentity(path: try text("source-path"), type: try text("source-type"), uuid: try text("source-uuid"),
                                   label: try text("source-label")),
            sourceSize: try number("source-size"), sectorSize: Int(try number("sector-size")), blockSize: Int(try number("block-size")),
            imageBytes: try number("image-bytes"), storedBlocks: Int(try number("stored-blocks")),
            inheritedBlocks: Int(try number("inherited-blocks")), zeroBlocks: Int(try number("zero-blocks")),
            sequence: Int(try number("sequence")))
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\n": out += "%0A"
            case "\r": out += "%0D"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func unescape(_ value: String) -> String {
        value.replacing("%0A", with: "\n").replacing("%0D", with: "\r").replacing("%25", with: "%")
    }
}

/// `3fa2…` → bytes; nil for anything but an even number of hex digits.
func hexBytes(_ text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    for pair in stride(from: 0, to: digits.count, by: 2) {
        guard let high = hexValue(digits[pair]), let low = hexValue(digits[pair + 1]) else { return nil }
        bytes.append(high << 4 | low)
    }
    return bytes
}

private func hexValue(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
    default: nil
    }
}
