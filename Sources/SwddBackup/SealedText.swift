import Crypto
import SwddImage

/// The text objects of a repository (manifests, fsck records): lines, the first naming the
/// format, then a last line `checksum sha256 HEX` over every byte before it, so an object cut
/// short or changed is refused rather than half-read.
enum SealedText {
    /// `lines`, each ending in a newline, then the checksum line.
    static func seal(_ lines: [String]) -> [UInt8] {
        var body = Array((lines.joined(separator: "\n") + "\n").utf8)
        body += Array("checksum sha256 \(ImageWriter.hex(Array(SHA256.hash(data: body))))\n".utf8)
        return body
    }

    /// The lines after the format line, once the checksum and the format line (`formatLine`,
    /// named `what` in the reason) check out; otherwise the reason.
    static func open(_ bytes: [UInt8], formatLine: String, what: String) -> Result<[Substring], Refusal> {
        let marker = Array("checksum sha256 ".utf8)
        guard let last = bytes.dropLast().lastIndex(of: UInt8(ascii: "\n")).map({ $0 + 1 }),
              bytes[last...].starts(with: marker), bytes.last == UInt8(ascii: "\n") else {
            return .failure(Refusal(reason: "it has no checksum line (cut short?)"))
        }
        let body = Array(bytes[..<last])
        let recorded = String(decoding: bytes[(last + marker.count)..<(bytes.count - 1)], as: UTF8.self)
        guard recorded == ImageWriter.hex(Array(SHA256.hash(data: body))) else { return .failure(Refusal(reason: "its checksum does not match")) }
        let lines = String(decoding: body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.first.map(String.init) == formatLine else { return .failure(Refusal(reason: "it is not \(what)")) }
        return .success(Array(lines.dropFirst()))
    }

    struct Refusal: Error {
        var reason: String
    }
}
