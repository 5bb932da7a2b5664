import SwddSystem

/// A connection to a remote machine through the system `ssh` client, so keys, `known_hosts`,
/// the agent and `~/.ssh/config` work as they do for the user; no ssh protocol or crypto here.
///
/// One master connection (`ControlMaster`) carries the whole run. Its own session is a remote
/// `sh` reading commands from a pipe of this process — the command channel: each command
/// (`run`) is written to it and its reply read back, a few milliseconds where a new multiplexed
/// session costs a remote login (170 ms on the test machine, about ten per backup). Streams
/// (`start`: uploads, downloads) get sessions of their own. When swdd exits, however it exits
/// (`kill -9` too), the pipe closes, the remote shell ends (removing its scratch directory) and
/// the master with it — nothing is left running. Every command runs as `sh -c 'SCRIPT'` on the
/// remote, whatever the login shell; the remote needs only a POSIX shell and coreutils.
public final class SshSession: @unchecked Sendable {
    public let location: RemoteLocation
    private let command: [String]
    private let socketDirectory: String
    private let master: ChildProcess
    private let lock = ThreadMonitor()
    private var closed = false
    /// What the command channel sent past the last reply read.
    private var unread: [UInt8] = []

    /// A connection that failed, or a remote command that did.
    public struct Failure: Error, Sendable {
        public var message: String
    }

    /// Connects (waiting up to `timeout` seconds for the master to come up). `sshCommand` is
    /// the user's `--ssh 'ssh -i key -o …'`, split into words; default `ssh`.
    public init(_ location: RemoteLocation, sshCommand: [String] = ["ssh"], timeout: Double = 30) throws {
        self.location = location
        command = sshCommand.isEmpty ? ["ssh"] : sshCommand
        // Uploads and commands write to ssh's pipes: a dead connection must be an error, not a
        // silent death by SIGPIPE.
        SignalWatcher.ignoreBrokenPipes()
        socketDirectory = try FileSystemPath.makeTemporaryDirectory(prefix: "/tmp/swdd-ssh-")
        let socket = socketDirectory + "/s"
        var arguments = command + ["-M", "-S", socket, "-o", "ControlPersist=no"]
        if let port = location.port { arguments += ["-p", String(port)] }
        arguments += ["--", location.destination, "exec sh"]
        do {
            master = try ChildProcess.spawn(command[0], arguments: arguments)
        } catch {
            try? FileSystemPath.removeDirectory(socketDirectory)
            throw Failure(message: "cannot run '\(command[0])': \(error.reason)")
        }
        let deadline = MonotonicClock.now() + UInt64(timeout * 1e9)
        while true {
            if let status = master.exitStatusIfExited() {
                try? FileSystemPath.removeDirectory(socketDirectory)
                throw Failure(message: "cannot connect to \(location.destination) with \(command[0]) (exit \(status))")
            }
            if FileSystemPath.exists(socket), (try? control("check")) == 0 { break }
            if MonotonicClock.now() > deadline {
                master.closeInput()
                _ = master.exitStatus()
                try? FileSystemPath.removeDirectory(socketDirectory)
                throw Failure(message: "cannot connect to \(location.destination): no answer within \(Int(timeout)) s")
            }
            MonotonicClock.sleep(nanoseconds: 20_000_000)
        }
        do {
            try openChannel()
        } catch {
            close()
            throw error
        }
    }

    /// The marker before each reply: `swdd-reply STATUS LENGTH`, then LENGTH bytes of output.
    private static let replyMarker = Array("swdd-reply ".utf8)
    private static let readyLine = Array("swdd-ready\n".utf8)
    private static let noScratchLine = Array("swdd-no-scratch\n".utf8)

    /// Sets up the remote shell: a scratch directory for each command's input and output (gone
    /// when the shell ends, by end of input or by the connection's hangup), then a line saying
    /// it is ready. Whatever a login script printed before it is skipped.
    private func openChannel() throws {
        try send("""
            d=$(mktemp -d "${TMPDIR:-/tmp}/swdd.XXXXXX") || { printf 'swdd-no-scratch\\n'; exit 1; }
            trap 'rm -rf "$d"' EXIT
            trap 'exit 1' HUP INT TERM
            printf 'swdd-ready\\n'

            """)
        while !unread.starts(with: Self.readyLine) {
            if unread.starts(with: Self.noScratchLine) {
                throw Failure(message: "cannot make a scratch directory on \(location.destination) (mktemp -d in ${TMPDIR:-/tmp} failed)")
            }
            if let newline = unread.firstIndex(of: UInt8(ascii: "\n")),
               !Self.readyLine.starts(with: unread[...newline]), !Self.noScratchLine.starts(with: unread[...newline]) {
                unread.removeSubrange(...newline)  // a login script's chatter
            } else {
                try receive()
            }
        }
        unread.removeFirst(Self.readyLine.count)
    }

    private func send(_ text: String) throws {
        do {
            try master.input.writeAll(text: text)
        } catch {
            throw Failure(message: "the connection to \(location.destination) was lost")
        }
    }

    /// Reads more of the command channel into `unread`; the end of it is an error.
    private func receive() throws {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let got = buffer.withUnsafeMutableBytes { (try? master.output.read(into: $0)) ?? 0 }
        guard got > 0 else { throw Failure(message: "the connection to \(location.destination) was lost") }
        unread += buffer[..<got]
    }

    deinit { close() }

    private var socket: String { socketDirectory + "/s" }

    private func sshArguments(_ remoteCommand: String) -> [String] {
        var arguments = command + ["-S", socket, "-o", "ControlMaster=no"]
        if let port = location.port { arguments += ["-p", String(port)] }
        return arguments + ["--", location.destination, remoteCommand]
    }

    /// `ssh -O check|exit`: the master's own control commands; returns ssh's exit status.
    private func control(_ operation: String) throws -> Int32 {
        var arguments = command + ["-q", "-S", socket, "-O", operation]
        if let port = location.port { arguments += ["-p", String(port)] }
        let child = try ChildProcess.spawn(command[0], arguments: arguments + ["--", location.destination], silencingErrors: true)
        child.closeInput()
        child.closeOutput()
        return child.exitStatus()
    }

    /// Starts `script` on the remote (`sh -c`), its standard input and output pipes of the
    /// returned child, for streams: uploads and downloads.
    public func start(_ script: String) throws -> ChildProcess {
        do {
            return try ChildProcess.spawn(command[0], arguments: sshArguments("sh -c " + ShellQuoting.quote(script)))
        } catch {
            throw Failure(message: "cannot run '\(command[0])': \(error.reason)")
        }
    }

    /// Runs `script` on the remote with `input` on its standard input; returns its exit status
    /// and everything it printed (up to `limit` bytes). One command at a time goes through the
    /// channel; its error output goes to swdd's, as ssh's does.
    public func run(_ script: String, input: [UInt8] = [], limit: Int = 64 << 20) throws -> (status: Int32, output: [UInt8]) {
        try lock.withLock {
            guard !closed else { throw Failure(message: "the connection to \(location.destination) is closed") }
            var text = ""
            if !input.isEmpty { text += "base64 -d > \"$d/i\" <<'SWDD-INPUT'\n" + Base64.encode(input) + "SWDD-INPUT\n" }
            text += "sh -c " + ShellQuoting.quote(script) + (input.isEmpty ? " < /dev/null" : " < \"$d/i\"")
                + " > \"$d/o\"; printf 'swdd-reply %s %s\\n' \"$?\" \"$(wc -c < \"$d/o\")\"; cat \"$d/o\"\n"
            try send(text)
            while unread.firstIndex(of: UInt8(ascii: "\n")) == nil { try receive() }
            let newline = unread.firstIndex(of: UInt8(ascii: "\n"))!
            let header = String(decoding: unread[..<newline], as: UTF8.self)
            let words = header.split(separator: " ")
            guard unread.starts(with: Self.replyMarker), words.count == 3, let status = Int32(words[1]), let length = Int(words[2]) else {
                throw Failure(message: "\(location.destination) answered a command with '\(header.prefix(80))'")
            }
            unread.removeSubrange(...newline)
            while unread.count < length { try receive() }
            let output = Array(unread[..<min(length, limit)])
            unread.removeFirst(length)
            return (status, output)
        }
    }

    /// Ends the master connection and removes its socket. Safe to call more than once.
    public func close() {
        let first = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        master.closeInput()  // the remote shell's end of input: it removes its scratch directory
        _ = try? control("exit")
        master.closeOutput()
        _ = master.exitStatus()
        try? FileSystemPath.remove(socket)
        try? FileSystemPath.removeDirectory(socketDirectory)
    }
}
