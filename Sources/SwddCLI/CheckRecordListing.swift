import SwddBackup
import SwddDisks
import SwddImage
import SwddSystem

/// The last `verify --fsck` of an image as the listings show it: a section after
/// `swdd list IMAGE --fs`, a column of `swdd repo`, and their JSON.
enum CheckRecordListing {
    /// The record beside the image file at `path`, if it is about this image (a record left
    /// beside a file since replaced by another image is not).
    static func record(besideImage path: String) -> FilesystemCheckRecord? {
        guard let status = try? FileStatus.of(path: path), status.kind == .regular,
              let image = try? FileDescriptor.open(path, flags: [.readOnly, .closeOnExec]) else { return nil }
        defer { try? image.close() }
        // The header's id is the image's (and an encrypted image's header is readable without its key).
        guard let header = ImageLayout.header(of: image) else { return nil }
        let recordPath = FilesystemCheckRecord.path(besideImage: path)
        guard FileSystemPath.exists(recordPath),
              let file = try? FileDescriptor.open(recordPath, flags: [.readOnly, .closeOnExec]) else { return nil }
        defer { try? file.close() }
        guard let size = try? file.status().size, size < 1 << 20,
              let bytes = try? ImageLayout.readAll(file, count: Int(size)),
              let record = try? FilesystemCheckRecord.decode(bytes), record.image == header.imageID else { return nil }
        return record
    }

    /// The section printed after `swdd list IMAGE --fs`: empty when the image was never checked.
    static func section(forImage path: String) -> String {
        guard let record = record(besideImage: path) else { return "" }
        var table = TextTable(columns: [.init("Partition"), .init("Type"), .init("Last fsck")])
        for entry in record.entries { table.append([entry.file, entry.type ?? "-", entry.summary]) }
        return "\nFilesystem checks (swdd verify --fsck, \(LocalTime(secondsSinceEpoch: record.checked).text)):\n" + table.render()
    }

    /// `p1 clean, p2 errors (status 4)`, or `-` for an image never checked.
    static func column(_ record: FilesystemCheckRecord?) -> String {
        guard let record else { return "-" }
        guard !record.entries.isEmpty else { return "no filesystems" }
        return record.entries.map { "\($0.file) \($0.summary)" }.joined(separator: ", ")
    }

    /// `null`, or the record as an object: when, whether every checker passed, and each partition.
    static func json(_ record: FilesystemCheckRecord?) -> String {
        guard let record else { return "null" }
        let entries = record.entries.map { entry in
            "{\"file\": \(entry.file.jsonQuoted), \"type\": \(entry.type.map(\.jsonQuoted) ?? "null"), \"result\": \"\(entry.result.rawValue)\", "
                + "\"status\": \(entry.status.map(String.init) ?? "null"), \"journal_replayed\": \(entry.journalReplayed)}"
        }
        return "{\"checked\": \(record.checked), \"passed\": \(record.passed), \"filesystems\": [" + entries.joined(separator: ", ") + "]}"
    }
}
