import SwddSystem

/// Object storage through the system `rclone`, one child process per operation, the way ssh is
/// driven: no HTTP signing or cloud SDK in swdd. Paths are object names relative to the
/// location's root (`images/ID.img.zst`). An `s3://` location gets a remote configured through
/// rclone's environment variables (provider, `env_auth` for the usual AWS credentials, the
/// endpoint of an S3-compatible server); an `rclone:` one uses the user's own rclone config.
public struct Rclone: Sendable {
    public let location: ObjectLocation
    /// The storage class new objects are written in (`--storage-class`), nil for the default.
    public let storageClass: String?
    private let environment: [String]?

    /// Why an operation failed: rclone's own last line, with what swdd was doing.
    public struct Failure: Error, Sendable {
        public var message: String
        /// rclone's exit status (3: directory not found, 4: file not found).
        public var status: Int32

        public init(message: String, status: Int32) {
            self.message = message
            self.status = status
        }
    }

    public init(_ location: ObjectLocation, s3Endpoint: String? = nil, storageClass: String? = nil) {
        self.location = location
        self.storageClass = storageClass
        // Uploads write to rclone's pipes: an rclone that died must be an error, not a silent
        // death by SIGPIPE.
        SignalWatcher.ignoreBrokenPipes()
        guard case .s3 = location.service else {
            environment = nil
            return
        }
        let variables = ChildProcess.currentEnvironment
        func value(_ name: String) -> String? {
            variables.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        let prefix = "RCLONE_CONFIG_\(ObjectLocation.s3RemoteName.uppercased())_"
        var settings = ["TYPE=s3", "ENV_AUTH=true", "PROVIDER=\(s3Endpoint == nil ? "AWS" : "Other")",
                        // A missing bucket is an error to report, not one to create quietly.
                        "NO_CHECK_BUCKET=true"]
        if let s3Endpoint { settings.append("ENDPOINT=\(s3Endpoint)") }
        if let region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") { settings.append("REGION=\(region)") }
        // A CA bundle means nothing on plain http, and rclone's S3 client refuses to start with
        // one there ("unable to load custom CA bundle").
        let plainHTTP = s3Endpoint?.hasPrefix("http://") ?? false
        environment = variables.filter { !$0.hasPrefix(prefix) && !(plainHTTP && $0.hasPrefix("AWS_CA_BUNDLE=")) }
            + settings.map { prefix + $0 }
    }

    /// `name`'s path as rclone takes it.
    public func path(_ name: String) -> String { name.isEmpty ? location.rclonePath : location.appending(name).rclonePath }

    /// `name` as the user would write it, for messages.
    public func describe(_ name: String) -> String { name.isEmpty ? location.description : location.appending(name).description }

    /// Starts rclone with `arguments` (after the global ones); its standard error is kept.
    public func start(_ arguments: [String], standardInput: MemoryFile? = nil) throws -> RcloneProcess {
        let errors = try MemoryFile(name: "rclone-errors")
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn("rclone", arguments: ["rclone", "-q", "--retries", "1"] + arguments,
                                           errors: errors.descriptor, standardInput: standardInput?.descriptor, environment: environment)
        } catch {
            guard error.code == .noSuchFileOrDirectory else { throw error }
            throw Failure(message: "cannot reach '\(location.description)': rclone is not installed (the Debian package rclone; swdd reaches object storage through it)",
                          status: 127)
        }
        return RcloneProcess(child: child, errors: errors)
    }

    /// Runs rclone to its end: its exit status, what it printed (up to `limit` bytes), and its
    /// last error line.
    public func run(_ arguments: [String], input: [UInt8]? = nil, limit: Int = 64 << 20) throws -> (status: Int32, output: [UInt8], error: String) {
        var memory: MemoryFile?
        if let input {
            let file = try MemoryFile(name: "rclone-input")
            do {
                try input.withUnsafeBytes { try file.descriptor.writeAll(toAbsoluteOffset: 0, $0) }
            } catch let incomplete as IncompleteWrite {
                throw incomplete.error
            }
            memory = file
        }
        let process = try start(arguments, standardInput: memory)
        let output = try process.readAll(limit: limit)
        let status = process.child.exitStatus()
        return (status, output, process.lastError)
    }

    /// Runs rclone and throws its failure (`what` 'name': rclone's reason) unless it exits 0.
    @discardableResult
    public func check(_ what: String, _ name: String, _ arguments: [String], input: [UInt8]? = nil, limit: Int = 64 << 20) throws -> [UInt8] {
        let (status, output, error) = try run(arguments, input: input, limit: limit)
        guard status == 0 else { throw failure(what, name, status: status, error: error) }
        return output
    }

    public func failure(_ what: String, _ name: String, status: Int32, error: String) -> Failure {
        Failure(message: "\(what) '\(describe(name))': \(error.isEmpty ? "rclone exited with status \(status)" : error)", status: status)
    }

    /// One object as a listing shows it.
    public struct Entry: Sendable, Equatable {
        /// Relative to the directory listed.
        public var name: String
        public var size: Int64
        /// The storage class (S3's STANDARD, GLACIER, …), empty where the backend has none.
        public var tier: String
    }

    /// The objects under `directory` (with `recursive`, in its subdirectories too; names
    /// relative to it); nil when it does not exist (only backends with directories say so).
    public func list(_ directory: String, recursive: Bool = false) throws -> [Entry]? {
        let (status, output, error) = try run(Self.listing + (recursive ? ["-R"] : []) + [path(directory) + "/"])
        if status == 3 { return nil }
        guard status == 0 else { throw failure("cannot list", directory, status: status, error: error) }
        return Self.entries(output)
    }

    /// `lsf` printing files as `size TAB path TAB tier`, what `entries` reads.
    private static let listing = ["lsf", "--files-only", "--format", "spT", "--separator", "\t"]

    /// The lines of a `listing`: a name may hold a tab, the size and the tier cannot.
    private static func entries(_ output: [UInt8]) -> [Entry] {
        String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard fields.count == 2, let size = Int64(fields[0]) else { return nil }
            let rest = fields[1]
            let tab = rest.lastIndex(of: "\t") ?? rest.endIndex
            return Entry(name: String(rest[..<tab]), size: size, tier: tab == rest.endIndex ? "" : String(rest[rest.index(after: tab)...]))
        }
    }

    /// The names directly in `directory`, subdirectories with a trailing `/`; nil when it does
    /// not exist.
    public func names(in directory: String) throws -> [String]? {
        let (status, output, error) = try run(["lsf", path(directory) + "/"])
        if status == 3 { return nil }
        guard status == 0 else { throw failure("cannot list", directory, status: status, error: error) }
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The object `name` as a listing of its directory shows it; nil when there is none.
    public func entry(_ name: String) throws -> Entry? {
        let slash = name.lastIndex(of: "/")
        let directory = slash.map { String(name[..<$0]) } ?? ""
        let base = slash.map { String(name[name.index(after: $0)...]) } ?? name
        let (status, output, error) = try run(Self.listing + ["--include", "/" + Self.filterLiteral(base), path(directory) + "/"])
        if status == 3 { return nil }
        guard status == 0 else { throw failure("cannot look for", name, status: status, error: error) }
        return Self.entries(output).first { $0.name == base }
    }

    /// A name as an rclone filter pattern that matches it alone.
    static func filterLiteral(_ name: String) -> String {
        String(name.flatMap { "\\*?[]{}".contains($0) ? ["\\", $0] : [$0] })
    }

    /// A whole object; nil when it does not exist. (`rclone cat` prints nothing and succeeds
    /// for a missing object, so an empty answer is looked up.)
    public func read(_ name: String, limit: Int = 16 << 20) throws -> [UInt8]? {
        let (status, bytes, error) = try run(["cat", path(name)], limit: limit)
        // A backend with directories says when the object's directory is not there.
        if status == 3 || status == 4 { return nil }
        guard status == 0 else { throw failure("cannot read", name, status: status, error: error) }
        if bytes.isEmpty, try entry(name) == nil { return nil }
        return bytes
    }

    /// `count` bytes at `offset` of an object (fewer at its end).
    public func read(_ name: String, at offset: Int64, count: Int) throws -> [UInt8] {
        try check("cannot read", name, ["cat", "--offset", String(offset), "--count", String(count), path(name)], limit: count)
    }

    /// An object from `offset` to its end, as a stream on the process's output.
    public func download(_ name: String, from offset: Int64 = 0) throws -> RcloneProcess {
        try start(["cat", "--offset", String(offset), path(name)])
    }

    /// A new object written from the process's input as it comes; `finish` completes it.
    public func upload(_ name: String) throws -> RcloneProcess {
        try start(["rcat"] + classArguments + [path(name)])
    }

    private var classArguments: [String] { storageClass.map { ["--s3-storage-class", $0] } ?? [] }

    /// Writes a whole (small) object. Its bytes are handed to rclone in a file, not a pipe,
    /// so an object is never cut short by this process dying while it is sent.
    public func write(_ bytes: [UInt8], to name: String) throws {
        // Small objects (manifests, leases, records) stay in the default class: they are read often.
        try check("cannot write", name, ["rcat", path(name)], input: bytes)
    }

    /// Starts writing a whole (small) object, as `write` does, without waiting: `finish` the
    /// process to know it is there.
    public func startWrite(_ bytes: [UInt8], to name: String) throws -> RcloneProcess {
        let file = try MemoryFile(name: "rclone-input")
        do {
            try bytes.withUnsafeBytes { try file.descriptor.writeAll(toAbsoluteOffset: 0, $0) }
        } catch let incomplete as IncompleteWrite {
            throw incomplete.error
        }
        return try start(["rcat", path(name)], standardInput: file)
    }

    public func remove(_ name: String) throws {
        let (status, _, error) = try run(["deletefile", path(name)])
        // Gone already (removed by an earlier attempt, or never whole) is what was asked for.
        guard try status == 0 || entry(name) == nil else { throw failure("cannot remove", name, status: status, error: error) }
    }

    /// Removes every object under `directory`.
    public func removeAll(_ directory: String) throws {
        let (status, _, error) = try run(["purge", path(directory)])
        guard try status == 0 || status == 3 || (list(directory, recursive: true) ?? []).isEmpty else {
            throw failure("cannot remove", directory, status: status, error: error)
        }
    }

    public func move(_ name: String, to newName: String) throws {
        try check("cannot rename", name, ["moveto"] + classArguments + [path(name), path(newName)])
    }

    public func makeDirectory(_ name: String) throws {
        try check("cannot create", name, ["mkdir", path(name)])
    }

    /// Copies every object of `directory` whose name ends in `suffix` into the local directory
    /// `destination`, several at a time, in one rclone run.
    public func copyAll(in directory: String, suffix: String, into destination: String) throws {
        try check("cannot read", directory, ["copy", "--max-depth", "1", "--transfers", "16", "--no-traverse",
                                             "--include", "*" + Self.filterLiteral(suffix), path(directory), destination])
    }

    /// Moves objects to another storage class (S3: a copy onto itself in that class).
    public func setTier(_ tier: String, of name: String) throws {
        try check("cannot change the storage class of", name, ["settier", tier, path(name)])
    }

    /// Asks the store to bring archived objects under `name` (an object or a directory) back
    /// for `days` (S3's restore from GLACIER / DEEP_ARCHIVE).
    public func thaw(_ name: String, days: Int, priority: String) throws {
        try check("cannot thaw", name, ["backend", "restore", path(name), "-o", "priority=\(priority)", "-o", "lifetime=\(days)"])
    }
}

/// A running rclone and what it says on its standard error.
public final class RcloneProcess: @unchecked Sendable {
    public let child: ChildProcess
    private let errors: MemoryFile

    init(child: ChildProcess, errors: MemoryFile) {
        self.child = child
        self.errors = errors
    }

    /// Its last error, one line: rclone's last log line without its timestamp and "Failed to …:"
    /// prefixes, with the lines that continue it (an S3 error's "caused by: … connection
    /// refused"), but not their request ids.
    public var lastError: String {
        let lines = errors.text().split(separator: "\n").map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
        guard let start = lines.lastIndex(where: { !($0.first?.isWhitespace ?? true) }) else { return "" }
        var line = lines[start]
        // "2026/12/01 21:32:01 ERROR : seg1: Failed to open: …" or "… Failed to cat: …"
        if line.count > 20, line.prefix(4).allSatisfy(\.isNumber), line.dropFirst(4).first == "/" { line = String(line.dropFirst(20)) }
        for prefix in ["ERROR : ", "NOTICE: ", "CRITICAL: "] where line.hasPrefix(prefix) { line = String(line.dropFirst(prefix.count)) }
        if line.hasPrefix("Failed to "), let colon = line.firstIndex(of: ":") { line = String(line[line.index(after: colon)...].drop { $0 == " " }) }
        let continued = lines[(start + 1)...].map { String($0.drop { $0.isWhitespace }) }.filter { !$0.hasPrefix("status code:") }
        return ([line] + continued).joined(separator: "; ")
    }

    /// Reads its output to the end (keeping up to `limit` bytes).
    public func readAll(limit: Int) throws -> [UInt8] {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = try buffer.withUnsafeMutableBytes { try child.output.read(into: $0) }
            if got == 0 { break }
            if output.count < limit { output += buffer[..<min(got, limit - output.count)] }
        }
        child.closeOutput()
        return output
    }

    /// Ends its input and waits: the upload it was sending is complete, or the failure.
    public func finish(_ what: String, _ name: String, in rclone: Rclone) throws {
        child.closeInput()
        child.closeOutput()
        let status = child.exitStatus()
        guard status == 0 else { throw rclone.failure(what, name, status: status, error: lastError) }
    }

    /// Ends it before it completes what it was sending (`SIGKILL`, then waits).
    public func cancel() {
        child.kill()
        child.closeInput()
        child.closeOutput()
        _ = child.exitStatus()
    }
}
