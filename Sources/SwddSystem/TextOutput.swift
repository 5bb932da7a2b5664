#if canImport(Glibc)
import Glibc
#endif

extension FileDescriptor {
    /// Writes all of `text`, retrying short writes and EINTR. Used for messages and listings on
    /// standard output and error: when the pipe is closed or the disk full there is nowhere left
    /// to report it, so a failure ends the write quietly.
    public func writeAll(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let rest = UnsafeRawBufferPointer(start: buffer.baseAddress! + offset, count: buffer.count - offset)
                guard let n = try? write(rest), n > 0 else { return }
                offset += n
            }
        }
    }
}

extension String {
    /// The string as a JSON string literal (RFC 8259): quotes, backslashes and control
    /// characters escaped, everything else as is.
    public var jsonQuoted: String {
        var out = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
