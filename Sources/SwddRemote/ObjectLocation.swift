/// Where an image or repository lives in object storage, reached through the system `rclone`:
/// `s3://bucket/prefix` (AWS S3 or an S3-compatible server, credentials from the usual AWS
/// environment variables and files), or `rclone:REMOTE:path` for any remote the user configured
/// in rclone (GCS, Azure Blob, B2, SFTP, WebDAV, a local directory, …).
public struct ObjectLocation: Sendable, Equatable {
    public enum Service: Sendable, Equatable {
        case s3(bucket: String)
        /// `remote` as rclone takes it, with its colon (`backups:`, `:local:`).
        case rclone(remote: String)
    }

    public var service: Service
    /// The path inside the bucket or remote, without a trailing `/` (may be empty).
    public var path: String

    /// Why a location cannot be used.
    public struct Invalid: Error, Sendable {
        public var reason: String
    }

    public static func isObjectStore(_ text: String) -> Bool { text.hasPrefix("s3://") || text.hasPrefix("rclone:") }

    public static func parse(_ text: String) throws(Invalid) -> ObjectLocation {
        guard !text.contains("\0"), !text.contains("\n") else { throw Invalid(reason: "'\(text)' holds a NUL byte or a newline") }
        if text.hasPrefix("s3://") {
            let rest = text.dropFirst("s3://".count)
            let bucket = String(rest.prefix { $0 != "/" })
            // S3's rule for bucket names: 3–63 lower-case letters, digits, '.' and '-', starting
            // and ending with a letter or digit.
            let allowed = bucket.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "-" }
            guard (3...63).contains(bucket.count), allowed, bucket.first!.isLetterOrDigit, bucket.last!.isLetterOrDigit else {
                throw Invalid(reason: "'\(text)' names no valid bucket (s3://bucket/prefix; a bucket name is 3–63 lower-case letters, digits, '.' or '-')")
            }
            return ObjectLocation(service: .s3(bucket: bucket), path: trimmed(String(rest.dropFirst(bucket.count).drop { $0 == "/" })))
        }
        guard text.hasPrefix("rclone:") else { throw Invalid(reason: "'\(text)' is not an s3:// or rclone: location") }
        let rest = text.dropFirst("rclone:".count)
        // The remote's name ends at its colon; a name starting with ':' is rclone's on-the-fly
        // backend (`:local:`), whose name ends at the second colon.
        let nameStart = rest.hasPrefix(":") ? rest.index(after: rest.startIndex) : rest.startIndex
        guard let colon = rest[nameStart...].firstIndex(of: ":") else {
            throw Invalid(reason: "'\(text)' names no rclone remote (rclone:REMOTE:path, a remote from 'rclone config')")
        }
        let remote = String(rest[...colon])
        guard remote.count > (rest.hasPrefix(":") ? 2 : 1), !remote.hasPrefix("-"), remote.allSatisfy({ !$0.isWhitespace }) else {
            throw Invalid(reason: "'\(text)' names an empty or invalid rclone remote")
        }
        return ObjectLocation(service: .rclone(remote: remote), path: trimmed(String(rest[rest.index(after: colon)...])))
    }

    private static func trimmed(_ path: String) -> String {
        var path = Substring(path)
        while path.hasSuffix("/") && path.count > 1 { path = path.dropLast() }
        return String(path)
    }

    /// The same service, another path inside it.
    public func with(path: String) -> ObjectLocation {
        var copy = self
        copy.path = path
        return copy
    }

    /// `name` inside this location.
    public func appending(_ name: String) -> ObjectLocation {
        with(path: path.isEmpty || path == "/" ? (path + name) : path + "/" + name)
    }

    /// The location as the user writes it, for messages.
    public var description: String {
        switch service {
        case .s3(let bucket): "s3://\(bucket)" + (path.isEmpty ? "" : "/" + path)
        case .rclone(let remote): "rclone:\(remote)\(path)"
        }
    }

    /// The path as rclone takes it on its command line.
    public var rclonePath: String {
        switch service {
        case .s3(let bucket): "\(ObjectLocation.s3RemoteName):\(bucket)" + (path.isEmpty ? "" : "/" + path)
        case .rclone(let remote): remote + path
        }
    }

    /// The name swdd gives the S3 remote it configures for rclone through the environment.
    static let s3RemoteName = "swdds3"
}

private extension Character {
    var isLetterOrDigit: Bool { isASCII && (isLetter || isNumber) }
}

extension ObjectLocation {
    /// The location's directory and its last name (`s3://b/dir/x.img.zst`: `s3://b/dir`, `x.img.zst`).
    public var directoryAndName: (directory: ObjectLocation, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (with(path: ""), path) }
        let directory = String(path[..<slash])
        return (with(path: directory.isEmpty ? "/" : directory), String(path[path.index(after: slash)...]))
    }
}
