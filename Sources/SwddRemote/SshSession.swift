import SwddSystem

/// A connection to a remote machine through the system `ssh` client, so keys, `known_hosts`,
/// the agent and `~/.ssh/config` work as they do for the user; no ssh protocol or crypto here.
///
/// One master connection (`ControlMaster`) carries every command of a run, each a cheap
/// multiplexed session instead of a new handshake. The master's own session is a remote `cat`
/// reading a pipe from this process: when swdd exits, however it exits (`kill -9` too), that
/// pipe closes, the remote `cat` ends and the master with it — nothing is left running.
/// Every command runs as `sh -c 'SCRIPT'` on the remote, whatever the login shell; the remote
/// needs only a POSIX shell and coreutils.
public final class SshSession: @unchecked Sendable {
    public let location: RemoteLocation
    private let command: [String]
    private let socketDirectory: String
    private let master: ChildProcess
    private let lock = ThreadMonitor()
    private var closed = false

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
        arguments += ["--", location.destination, "exec cat > /dev/null"]
        do {
            master = try ChildProcess.spawn(command[0], arguments: arguments)
        } catch {
            try? FileSystemPath.removeDirectory(socketDirectory)
            throw Failure(message: "cannot run '\(command[0])': \(error.reason)")
        }
        master.closeOutput()
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
    /// and everything it printed (up to `limit` bytes).
    public func run(_ script: String, input: [UInt8] = [], limit: Int = 64 << 20) throws -> (status: Int32, output: [UInt8]) {
        let child = try start(script)
        var output: [UInt8] = []
        let writer = input.isEmpty ? nil : IOThread.start {
            _ = input.withUnsafeBytes { try? child.input.writeAll($0) }
            child.closeInput()
        }
        if input.isEmpty { child.closeInput() }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = buffer.withUnsafeMutableBytes { (try? child.output.read(into: $0)) ?? 0 }
            if got == 0 { break }
            if output.count < limit { output += buffer[..<got] }
        }
        writer?.join()
        child.closeOutput()
        return (child.exitStatus(), output)
    }

    /// Ends the master connection and removes its socket. Safe to call more than once.
    public func close() {
        let first = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        _ = try? control("exit")
        master.closeInput()
        _ = master.exitStatus()
        try? FileSystemPath.remove(socket)
        try? FileSystemPath.removeDirectory(socketDirectory)
    }
}
