/// A column table laid out as libsmartcols lays out fdisk's when standard output is not a
/// terminal: one space between columns, each column as wide as its widest cell or its header
/// (or its width hint, when the cells reach the header); numbers right-aligned; the last column
/// not padded; nothing truncated.
public struct TextTable: Sendable {
    public struct Column: Sendable {
        public var header: String
        /// libfdisk's field width hint (`Device` 10, `Start` 5, …); 0 for none.
        public var widthHint: Int
        public var rightAligned: Bool

        public init(_ header: String, widthHint: Int = 0, rightAligned: Bool = false) {
            self.header = header
            self.widthHint = widthHint
            self.rightAligned = rightAligned
        }
    }

    public var columns: [Column]
    public var rows: [[String]] = []

    public init(columns: [Column]) {
        self.columns = columns
    }

    public mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// The table, header first, each line ending in a newline; lines carry no trailing spaces.
    public func render() -> String {
        var widths = columns.map { _ in 0 }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        // libsmartcols' count_column_width: data narrower than the header takes the header's
        // width and ignores the hint; otherwise a hint wider than both is used.
        for (index, column) in columns.enumerated() {
            let header = max(1, column.header.count)
            if widths[index] < header {
                widths[index] = header
            } else if widths[index] < column.widthHint && header < column.widthHint {
                widths[index] = column.widthHint
            }
        }
        var text = ""
        for line in [columns.map(\.header)] + rows {
            var out = ""
            for (index, column) in columns.enumerated() {
                let cell = index < line.count ? line[index] : ""
                let last = index == columns.count - 1
                if index > 0 { out += " " }
                let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
                if column.rightAligned {
                    out += padding + cell
                } else {
                    out += cell
                    if !last { out += padding }
                }
            }
            while out.hasSuffix(" ") { out.removeLast() }
            text += out + "\n"
        }
        return text
    }
}
