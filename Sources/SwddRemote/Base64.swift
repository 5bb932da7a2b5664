/// Standard base64 (RFC 4648, with padding), in lines: how bytes given to a remote command travel
/// inside the shell text of `SshSession`'s command channel, where a NUL or an unmatched quote
/// could not; the remote turns them back with coreutils' `base64 -d`.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `bytes` encoded, a newline after every `lineLength` characters and at the end.
    static func encode(_ bytes: [UInt8], lineLength: Int = 76) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4 + bytes.count / 57 + 2)
        var column = 0
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            let a = bytes[index], b = count > 1 ? bytes[index + 1] : 0, c = count > 2 ? bytes[index + 2] : 0
            out.append(alphabet[Int(a >> 2)])
            out.append(alphabet[Int((a & 0x03) << 4 | b >> 4)])
            out.append(count > 1 ? alphabet[Int((b & 0x0f) << 2 | c >> 6)] : UInt8(ascii: "="))
            out.append(count > 2 ? alphabet[Int(c & 0x3f)] : UInt8(ascii: "="))
            index += 3
            column += 4
            if column >= lineLength {
                out.append(UInt8(ascii: "\n"))
                column = 0
            }
        }
        if column > 0 || out.isEmpty { out.append(UInt8(ascii: "\n")) }
        return String(decoding: out, as: UTF8.self)
    }
}
