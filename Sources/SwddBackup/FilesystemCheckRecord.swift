import SwddImage

/// What the last `swdd verify --fsck` of a restore point found, per partition: kept beside the
/// image (`IMAGE.fsck`) or in its repository (`fsck/ID-TIME.fsck`), since images are write-once,
/// so `swdd list IMAGE --fs` and `swdd repo` can say whether each filesystem last checked clean
/// without running a checker. It names the image it is about, so a record left beside a file
/// that has since been replaced by another image is recognised as someone else's.
///
/// Text like a manifest: `swdd-fsck 1`, `image ID`, `checked SECONDS`, one `file NAME TYPE
/// RESULT STATUS [journal-replayed]` line per partition (words percent-escaped: `%`, space,
/// newline, carriage return; `-` for no type or no status), then `checksum sha256 HEX` over
/// every byte before that line; see docs/FORMAT.md.
public struct FilesystemCheckRecord: Sendable, Equatable {
    public static let formatLine = "swdd-fsck 1"

    public enum Result: String, Sendable, Equatable {
        case clean
        case errors
        case notChecked = "not-checked"
    }

    /// One partition's check.
    public struct Entry: Sendable, Equatable {
        /// `p1`, … or `disk` for a filesystem on the whole disk.
        public var file: String
        /// libblkid's type; nil when it found none.
        public var type: String?
        public var result: Result
        /// The checker's exit status when it found errors.
        public var status: Int32?
        public var journalReplayed: Bool

        public init(file: String, type: String?, result: Result, status: Int32?, journalReplayed: Bool) {
            self.file = file
            self.type = type
            self.result = result
            self.status = status
            self.journalReplayed = journalReplayed
        }

        /// `clean`, `errors (status 4)`, `not checked`, as listings show it.
        public var summary: String {
            switch result {
            case .clean: journalReplayed ? "clean (journal replayed)" : "clean"
            case .errors: "errors" + (status.map { " (status \($0))" } ?? "")
            case .notChecked: "not checked"
            }
        }
    }

    /// The id of the image checked: the restore point's own (newest) image.
    public var image: [UInt8]
    /// Seconds since the epoch.
    public var checked: Int64
    public var entries: [Entry]

    public init(image: [UInt8], checked: Int64, entries: [Entry]) {
        self.image = image
        self.checked = checked
        self.entries = entries
    }

    public var imageText: String { ImageWriter.hex(image) }

    /// Whether no checker found errors.
    public var passed: Bool { !entries.contains { $0.result == .errors } }

    /// Where the record of an image file goes: beside it.
    public static func path(besideImage path: String) -> String { path + ".fsck" }

    public func encoded() -> [UInt8] {
        var lines = [Self.formatLine, "image " + imageText, "checked " + String(checked)]
        for entry in entries {
            var words = [entry.file, entry.type ?? "-", entry.result.rawValue, entry.status.map(String.init) ?? "-"]
            if entry.journalReplayed { words.append("journal-replayed") }
            lines.append("file " + words.map(Self.escape).joined(separator: " "))
        }
        return SealedText.seal(lines)
    }

    /// Why a record cannot be used.
    public struct Invalid: Error, Sendable {
        public var reason: String
    }

    public static func decode(_ bytes: [UInt8]) throws(Invalid) -> FilesystemCheckRecord {
        let lines: [Substring]
        switch SealedText.open(bytes, formatLine: formatLine, what: "a swdd fsck record of version 1") {
        case .success(let found): lines = found
        case .failure(let refusal): throw Invalid(reason: refusal.reason)
        }
        var image: [UInt8]?
        var checked: Int64?
        var entries: [Entry] = []
        for line in lines {
            let words = line.split(separator: " ", omittingEmptySubsequences: false).map { unescape(String($0)) }
            switch words[0] {
            case "image":
                guard words.count == 2, let id = hexBytes(words[1]), id.count == 16 else { throw Invalid(reason: "its image is not an image id") }
                image = id
            case "checked":
                guard words.count == 2, let seconds = Int64(words[1]), seconds >= 0 else { throw Invalid(reason: "its checked time is not a number") }
                checked = seconds
            case "file":
                guard words.count == 5 || (words.count == 6 && words[5] == "journal-replayed"),
                      let result = Result(rawValue: words[3]), words[4] == "-" || Int32(words[4]) != nil else {
                    throw Invalid(reason: "its line '\(line)' is not a partition's check")
                }
                entries.append(Entry(file: words[1], type: words[2] == "-" ? nil : words[2], result: result,
                                     status: Int32(words[4]), journalReplayed: words.count == 6))
            default:
                continue  // a later version's addition
            }
        }
        guard let image else { throw Invalid(reason: "it has no image") }
        guard let checked else { throw Invalid(reason: "it has no checked time") }
        return FilesystemCheckRecord(image: image, checked: checked, entries: entries)
    }

    static func escape(_ word: String) -> String {
        var out = ""
        for scalar in word.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case " ": out += "%20"
            case "\n": out += "%0A"
            case "\r": out += "%0D"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func unescape(_ word: String) -> String {
        word.replacing("%20", with: " ").replacing("%0A", with: "\n").replacing("%0D", with: "\r").replacing("%25", with: "%")
    }
}
