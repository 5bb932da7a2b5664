/// Plain-text layout for swdd's own help: words filled to a width, and term/description lists
/// with the descriptions in one column, as GNU's `--help` texts lay theirs out.
enum TextWrap {
    /// `text` filled to `width` columns, every line starting with `indent` spaces.
    static func fill(_ text: String, width: Int = 79, indent: Int = 0) -> [String] {
        let margin = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && indent + line.count + 1 + word.count > width {
                lines.append(margin + line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(margin + line) }
        return lines
    }

    /// `  TERM  description…` rows, descriptions from column `column`; a term too long for its
    /// column gets its description on the lines below.
    static func list(_ rows: [(term: String, text: String)], column: Int, width: Int = 79) -> [String] {
        var lines: [String] = []
        for row in rows {
            let head = "  " + row.term
            var body = fill(row.text, width: width, indent: column)
            if head.count + 2 <= column, !body.isEmpty {
                body[0] = head + String(body[0].dropFirst(head.count))
            } else {
                lines.append(head)
            }
            lines += body
        }
        return lines
    }
}
