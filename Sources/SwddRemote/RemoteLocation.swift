/// `ssh://[user@]host[:port]/absolute/path`, or `/~/path` for a path in the remote home: where
/// an image or repository lives on another machine.
public struct RemoteLocation: Sendable, Equatable {
    public var user: String?
    public var host: String
    public var port: Int?
    public var path: RemotePath

    /// Why a location cannot be used.
    public struct Invalid: Error, Sendable {
        public var reason: String
    }

    public static func isRemote(_ text: String) -> Bool { text.hasPrefix("ssh://") }

    public static func parse(_ text: String) throws(Invalid) -> RemoteLocation {
        guard text.hasPrefix("ssh://") else { throw Invalid(reason: "'\(text)' is not an ssh:// location") }
        let rest = text.dropFirst("ssh://".count)
        guard let slash = rest.firstIndex(of: "/") else { throw Invalid(reason: "'\(text)' names no path (ssh://host/absolute/path)") }
        var authority = rest[..<slash]
        let pathText = String(rest[slash...])
        var user: String?
        if let at = authority.lastIndex(of: "@") {
            user = String(authority[..<at])
            authority = authority[authority.index(after: at)...]
            guard let user, !user.isEmpty, !user.hasPrefix("-") else { throw Invalid(reason: "'\(text)' names an empty or invalid user") }
        }
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority.hasPrefix("[") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                throw Invalid(reason: "'\(text)' has an invalid port")
            }
            port = number
            authority = authority[..<colon]
        }
        let host = String(authority)
        // A host starting with '-' would be read by ssh as an option.
        guard !host.isEmpty, !host.hasPrefix("-"), host.allSatisfy({ !$0.isWhitespace }) else {
            throw Invalid(reason: "'\(text)' names an empty or invalid host")
        }
        let path: RemotePath
        if pathText == "/~" || pathText.hasPrefix("/~/") {
            path = RemotePath(inHome: true, relative: String(pathText.dropFirst(pathText == "/~" ? 2 : 3)))
        } else {
            path = RemotePath(inHome: false, relative: String(pathText.dropFirst()))
        }
        guard !path.relative.contains("\0") else { throw Invalid(reason: "'\(text)' holds a NUL byte") }
        return RemoteLocation(user: user, host: host, port: port, path: path)
    }

    /// `[user@]host` as ssh takes it.
    public var destination: String { user.map { "\($0)@\(host)" } ?? host }

    /// The location as the user wrote it, for messages.
    public var description: String {
        "ssh://\(destination)\(port.map { ":\($0)" } ?? "")\(path.description)"
    }

    /// The same host, another path.
    public func with(path: RemotePath) -> RemoteLocation {
        var copy = self
        copy.path = path
        return copy
    }
}

/// A path on the remote machine: absolute, or relative to the remote user's home.
public struct RemotePath: Sendable, Equatable, Hashable {
    public var inHome: Bool
    /// Without the leading `/` (absolute) or `~/` (home).
    public var relative: String

    public init(inHome: Bool, relative: String) {
        self.inHome = inHome
        self.relative = relative.hasSuffix("/") && relative.count > 1 ? String(relative.dropLast()) : relative
    }

    /// `name` inside this directory.
    public func appending(_ name: String) -> RemotePath {
        RemotePath(inHome: inHome, relative: relative.isEmpty ? name : relative + "/" + name)
    }

    /// The path as one POSIX shell word (or `"$HOME"` followed by one), whatever it holds:
    /// quotes, spaces, `$`, `;` and newlines are data, never shell syntax; a leading `-` cannot
    /// occur (the path starts with `/` or `$HOME/`).
    public var shellWord: String {
        if inHome { return relative.isEmpty ? "\"$HOME\"" : "\"$HOME\"/" + ShellQuoting.quote(relative) }
        return ShellQuoting.quote("/" + relative)
    }

    public var description: String { inHome ? "/~/" + relative : "/" + relative }
}
