import SwddEngine
import SwddImage
import SwddSystem

/// `swdd list IMAGE --fs` of an image made with `--used`: per filesystem, the bytes it used and
/// its size, from the records in the image's metadata (nothing else of the image is read).
enum UsedBlocksListing {
    /// The section printed after the partition listing; empty for other images and other files.
    static func section(forImage path: String, key: ImageKey?) -> String {
        guard let status = try? FileStatus.of(path: path), status.kind == .regular,
              let image = try? FileDescriptor.open(path, flags: [.readOnly, .closeOnExec]) else { return "" }
        defer { try? image.close() }
        guard ImageLayout.startsWithHeader(image), let layout = try? ImageLayout.read(image, key: key) else { return "" }
        return render(layout.metadata.filesystems)
    }

    static func render(_ records: [FilesystemRecord]) -> String {
        guard !records.isEmpty else { return "" }
        var rows = [["Partition", "Type", "Used", "Size", "Unused blocks"]]
        for record in records {
            rows.append([record.partition == 0 ? "-" : "\(record.partition)", record.type.isEmpty ? "-" : record.type,
                         record.keptInFullBecause.isEmpty ? ProgressLine.binarySize(record.usedBytes) : "kept in full: \(record.keptInFullBecause)",
                         ProgressLine.binarySize(record.length), record.keptInFullBecause.isEmpty ? "not stored" : "-"])
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { row in
            row.enumerated().map { $0.offset == 4 ? $0.element : $0.element.padding(to: widths[$0.offset]) }.joined(separator: "  ")
        }
        return "\nUsed blocks (swdd image --used):\n" + lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// Left-aligned in `width` columns.
    fileprivate func padding(to width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
