/// Just enough JSON to read ArgumentParser's description of swdd's commands (`_dumpHelp()`, the
/// ToolInfo that its own `generate-manual` reads), without Foundation: objects, arrays, strings
/// with their escapes, numbers kept as text, booleans and null.
enum ToolInfoJSON: Equatable {
    case object([String: ToolInfoJSON])
    case array([ToolInfoJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    subscript(key: String) -> ToolInfoJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var array: [ToolInfoJSON] {
        if case .array(let items) = self { return items }
        return []
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The value `text` holds, or nil when it is not one whole JSON value.
    static func parse(_ text: String) -> ToolInfoJSON? {
        var reader = Reader(bytes: Array(text.utf8))
        guard let value = reader.value() else { return nil }
        reader.skipSpace()
        return reader.index == reader.bytes.count ? value : nil
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value() -> ToolInfoJSON? {
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string().map(ToolInfoJSON.string)
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return number()
            }
        }

        mutating func literal(_ word: String, _ result: ToolInfoJSON) -> ToolInfoJSON? {
            let expected = Array(word.utf8)
            guard bytes[index...].starts(with: expected) else { return nil }
            index += expected.count
            return result
        }

        mutating func number() -> ToolInfoJSON? {
            let start = index
            while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
            return index > start ? .number(String(decoding: bytes[start..<index], as: UTF8.self)) : nil
        }

        mutating func object() -> ToolInfoJSON? {
            index += 1
            var members: [String: ToolInfoJSON] = [:]
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let member = value() else { return nil }
                members[key] = member
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "}") else { return nil }
                index += 1
                return .object(members)
            }
        }

        mutating func array() -> ToolInfoJSON? {
            index += 1
            var items: [ToolInfoJSON] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                guard let item = value() else { return nil }
                items.append(item)
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "]") else { return nil }
                index += 1
                return .array(items)
            }
        }

        /// A string from its opening quote; `\uXXXX` pairs become the character they encode.
        mutating func string() -> String? {
            index += 1
            var scalars = String.UnicodeScalarView()
            var pendingHigh: UInt32?
            var run: [UInt8] = []
            func flushRun() {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll()
            }
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { flushRun(); return String(scalars) }
                guard byte == UInt8(ascii: "\\") else { run.append(byte); continue }
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): run.append(0x0A)
                case UInt8(ascii: "t"): run.append(0x09)
                case UInt8(ascii: "r"): run.append(0x0D)
                case UInt8(ascii: "b"): run.append(0x08)
                case UInt8(ascii: "f"): run.append(0x0C)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count,
                          let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else { return nil }
                    index += 4
                    flushRun()
                    if (0xD800..<0xDC00).contains(code) { pendingHigh = code; continue }
                    if (0xDC00..<0xE000).contains(code), let high = pendingHigh {
                        pendingHigh = nil
                        if let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)) { scalars.append(scalar) }
                        continue
                    }
                    if let scalar = Unicode.Scalar(code) { scalars.append(scalar) }
                default: run.append(escape)   // \" \\ \/
                }
            }
            return nil
        }
    }
}
