import SwddSystem

/// A JSON value and its text, without Foundation: keys keep the order they are given in, and
/// containers nested two levels deep print on one line, so each bench row is one line.
enum JSONText: Equatable {
    case object([(String, JSONText)])
    case array([JSONText])
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case null

    static func == (a: JSONText, b: JSONText) -> Bool { a.rendered() == b.rendered() }

    /// The text, ending with a newline.
    func rendered() -> String {
        var out = ""
        write(to: &out, level: 0)
        out += "\n"
        return out
    }

    /// Containers at or below this level print inline.
    private static let inlineLevel = 2

    private func write(to out: inout String, level: Int) {
        switch self {
        case .string(let text): out += text.jsonQuoted
        case .integer(let value): out += String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            let inline = level >= Self.inlineLevel
            out += inline ? "{" : "{\n"
            for (index, (key, value)) in members.enumerated() {
                if !inline { out += String(repeating: "  ", count: level + 1) }
                out += key.jsonQuoted
                out += ": "
                value.write(to: &out, level: level + 1)
                if index < members.count - 1 { out += inline ? ", " : ",\n" }
            }
            out += inline ? "}" : "\n" + String(repeating: "  ", count: level) + "}"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            let inline = level >= Self.inlineLevel
            out += inline ? "[" : "[\n"
            for (index, item) in items.enumerated() {
                if !inline { out += String(repeating: "  ", count: level + 1) }
                item.write(to: &out, level: level + 1)
                if index < items.count - 1 { out += inline ? ", " : ",\n" }
            }
            out += inline ? "]" : "\n" + String(repeating: "  ", count: level) + "]"
        }
    }
}
