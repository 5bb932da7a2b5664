import SwddSystem

/// Files on the remote machine, through an `SshSession`, with nothing but a POSIX shell and
/// coreutils there: every path is one quoted shell word (`RemotePath.shellWord`), so spaces,
/// quotes, `$` or `;` in it are data. Objects written once are written under a temporary name,
/// synced and linked into place (`ln` fails where the name exists: never two writers' halves).
public struct RemoteFiles: Sendable {
    public let session: SshSession

    public init(_ session: SshSession) { self.session = session }

    private func failure(_ what: String, _ path: RemotePath, status: Int32) -> SshSession.Failure {
        let reason = switch status {
        case 3: "no such file or directory"
        case 4: "it exists"
        case 255: "the ssh connection failed"
        default: "exit status \(status)"
        }
        return SshSession.Failure(message: "\(what) '\(session.location.with(path: path).description)': \(reason)")
    }

    /// The names in a directory; nil when it does not exist.
    public func list(_ directory: RemotePath) throws -> [String]? {
        let d = directory.shellWord
        let (status, output) = try session.run("[ -d \(d) ] || exit 3; cd \(d) && for f in * .[!.]* ..?*; do [ -e \"$f\" ] && printf '%s\\0' \"$f\"; done; exit 0")
        if status == 3 { return nil }
        guard status == 0 else { throw failure("cannot list", directory, status: status) }
        return output.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A whole (small) file; nil when it does not exist.
    public func read(_ path: RemotePath, limit: Int = 16 << 20) throws -> [UInt8]? {
        let p = path.shellWord
        let (status, output) = try session.run("[ -f \(p) ] || exit 3; exec cat -- \(p)", limit: limit)
        if status == 3 { return nil }
        guard status == 0 else { throw failure("cannot read", path, status: status) }
        return output
    }

    /// `count` bytes at `offset` (fewer at the end of the file).
    public func read(_ path: RemotePath, at offset: Int64, count: Int) throws -> [UInt8] {
        let p = path.shellWord
        let (status, output) = try session.run(
            "[ -f \(p) ] || exit 3; exec dd if=\(p) bs=65536 iflag=skip_bytes,count_bytes skip=\(offset) count=\(count) status=none", limit: count)
        guard status == 0 else { throw failure("cannot read", path, status: status) }
        return output
    }

    /// The file's size in bytes.
    public func size(_ path: RemotePath) throws -> Int64 {
        let p = path.shellWord
        let (status, output) = try session.run("[ -f \(p) ] || exit 3; exec stat -L -c %s -- \(p)")
        guard status == 0, let size = Int64(String(decoding: output, as: UTF8.self).trimmingSpaces) else {
            throw failure("cannot stat", path, status: status == 0 ? 1 : status)
        }
        return size
    }

    /// The file's size, its first `headCount` and its last `tailCount` bytes (each all of it
    /// when shorter), in one round trip: what reading an image's layout needs.
    public func sizeHeadAndTail(_ path: RemotePath, headCount: Int, tailCount: Int) throws -> (size: Int64, head: [UInt8], tail: [UInt8]) {
        let p = path.shellWord
        let (status, output) = try session.run(
            "[ -f \(p) ] || exit 3; s=$(stat -L -c %s -- \(p)) && echo \"$s\" && head -c \(headCount) -- \(p) && exec tail -c \(tailCount) -- \(p)",
            limit: headCount + tailCount + 64)
        guard status == 0, let newline = output.firstIndex(of: UInt8(ascii: "\n")),
              let size = Int64(String(decoding: output[..<newline], as: UTF8.self)) else {
            throw failure("cannot read", path, status: status == 0 ? 1 : status)
        }
        let body = output[(newline + 1)...]
        let head = Int(min(Int64(headCount), size)), tail = Int(min(Int64(tailCount), size))
        guard body.count == head + tail else { throw failure("cannot read", path, status: 1) }
        return (size, Array(body.prefix(head)), Array(body.suffix(tail)))
    }

    /// Every file of `directory` whose name ends in `suffix`, with its bytes, in one round trip;
    /// nil when the directory does not exist.
    public func readAll(in directory: RemotePath, suffix: String) throws -> [(name: String, bytes: [UInt8])]? {
        let (status, output) = try session.run(Self.readAllScript(directory, suffix: suffix))
        if status == 3 { return nil }
        guard status == 0 else { throw failure("cannot read", directory, status: status) }
        return try parseReadAll(output, directory: directory)
    }

    /// Per file of `directory` ending in `suffix`: its name, NUL, its size, NUL, its bytes; exit 3
    /// when the directory does not exist.
    private static func readAllScript(_ directory: RemotePath, suffix: String) -> String {
        let d = directory.shellWord
        return "[ -d \(d) ] || exit 3; cd \(d) && for f in *\(ShellQuoting.quote(suffix)); do [ -f \"$f\" ] || continue; "
            + "printf '%s\\0%s\\0' \"$f\" \"$(wc -c < \"$f\")\"; cat -- \"$f\"; done; exit 0"
    }

    private func parseReadAll(_ output: [UInt8], directory: RemotePath) throws -> [(name: String, bytes: [UInt8])] {
        var files: [(name: String, bytes: [UInt8])] = []
        var at = output.startIndex
        while at < output.endIndex {
            guard let nameEnd = output[at...].firstIndex(of: 0), let sizeEnd = output[(nameEnd + 1)...].firstIndex(of: 0),
                  let size = Int(String(decoding: output[(nameEnd + 1)..<sizeEnd], as: UTF8.self).trimmingSpaces),
                  sizeEnd + 1 + size <= output.endIndex else {
                throw failure("cannot read", directory, status: 1)
            }
            files.append((String(decoding: output[at..<nameEnd], as: UTF8.self), Array(output[(sizeEnd + 1)..<(sizeEnd + 1 + size)])))
            at = sizeEnd + 1 + size
        }
        return files
    }

    /// Writes `bytes` as a new `path` (as `write(replacing: false)`), then reads every file of
    /// `directory` ending in `suffix`, in one round trip: a lease taken by writing, then listing.
    public func writeThenReadAll(_ bytes: [UInt8], to path: RemotePath, in directory: RemotePath, suffix: String) throws -> [(name: String, bytes: [UInt8])] {
        let script = "(\n" + Self.writeScript(path, replacing: false) + "\n) || exit $?\n" + Self.readAllScript(directory, suffix: suffix)
        let (status, output) = try session.run(script, input: bytes)
        guard status == 0 else { throw failure(status == 3 ? "cannot read" : "cannot write", status == 3 ? directory : path, status: status) }
        return try parseReadAll(output, directory: directory)
    }

    public func exists(_ path: RemotePath) throws -> Bool {
        let (status, _) = try session.run("[ -e \(path.shellWord) ]")
        if status == 255 { throw failure("cannot reach", path, status: status) }
        return status == 0
    }

    /// Writes `bytes` as `path`, complete or not at all; with `replacing` false an existing
    /// `path` is an error and stays as it was.
    public func write(_ bytes: [UInt8], to path: RemotePath, replacing: Bool) throws {
        let (status, _) = try session.run(Self.writeScript(path, replacing: replacing), input: bytes)
        guard status == 0 else { throw failure("cannot write", path, status: status) }
    }

    /// Standard input to a temporary name beside `path`, synced, then moved (`replacing`) or
    /// linked (exit 4 when `path` exists) into place, and the directory synced.
    private static func writeScript(_ path: RemotePath, replacing: Bool) -> String {
        let p = path.shellWord
        let place = replacing ? "mv -f -- \"$t\" \(p) || exit 1"
            : "ln -- \"$t\" \(p) 2>/dev/null || { rm -f -- \"$t\"; [ -e \(p) ] && exit 4; exit 1; }; rm -f -- \"$t\""
        return """
            t=\(p).tmp.$$
            cat > "$t" && sync -- "$t" || { rm -f -- "$t"; exit 1; }
            \(place)
            sync -- "$(dirname -- \(p))" 2>/dev/null
            exit 0
            """
    }

    public func remove(_ path: RemotePath) throws {
        let (status, _) = try session.run("rm -f -- \(path.shellWord)")
        guard status == 0 else { throw failure("cannot remove", path, status: status) }
    }

    public func makeDirectories(_ path: RemotePath) throws {
        let (status, _) = try session.run("mkdir -p -- \(path.shellWord)")
        guard status == 0 else { throw failure("cannot create", path, status: status) }
    }

    /// A stream into `path` (created or emptied): write to the child's input, then `finish`.
    public func upload(_ path: RemotePath) throws -> RemoteUpload {
        RemoteUpload(files: self, path: path, child: try session.start("exec cat > \(path.shellWord)"))
    }

    /// A stream appended to `path` once it is cut to its first `size` bytes (coreutils' `truncate`).
    public func append(_ path: RemotePath, truncatingTo size: Int64) throws -> RemoteUpload {
        let p = path.shellWord
        return RemoteUpload(files: self, path: path, child: try session.start("[ -f \(p) ] || exit 3; truncate -s \(size) -- \(p) && exec cat >> \(p)"))
    }

    /// `path`'s bytes from `offset` to its end, as the child's output.
    public func download(_ path: RemotePath, from offset: Int64) throws -> ChildProcess {
        let p = path.shellWord
        return try session.start("[ -f \(p) ] || exit 3; exec dd if=\(p) bs=1M iflag=skip_bytes skip=\(offset) status=none")
    }

    /// `sync` then `mv`: a complete upload takes its final name.
    public func commit(_ partial: RemotePath, as final: RemotePath) throws {
        let (status, _) = try session.run("sync -- \(partial.shellWord) && mv -f -- \(partial.shellWord) \(final.shellWord) && sync -- \"$(dirname -- \(final.shellWord))\"")
        guard status == 0 else { throw failure("cannot rename into", final, status: status) }
    }
}

/// An upload in progress: bytes go to `input`; `finish` closes it and waits for the remote `cat`.
public final class RemoteUpload: @unchecked Sendable {
    public let files: RemoteFiles
    public let path: RemotePath
    public let child: ChildProcess

    init(files: RemoteFiles, path: RemotePath, child: ChildProcess) {
        self.files = files
        self.path = path
        self.child = child
        child.closeOutput()
    }

    public var input: FileDescriptor { child.input }

    /// Closes the stream and checks that the remote wrote all of it.
    public func finish() throws {
        child.closeInput()
        let status = child.exitStatus()
        guard status == 0 else {
            throw SshSession.Failure(message: "uploading '\(files.session.location.with(path: path).description)' failed (exit \(status))")
        }
    }

    /// Ends the stream without finishing it (the remote keeps what arrived).
    public func cancel() {
        child.closeInput()
        _ = child.exitStatus()
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
