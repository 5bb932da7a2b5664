#if canImport(Glibc)
import Glibc
#endif

/// A program run as a child (`posix_spawnp`, found on `PATH`) whose standard output we read as a
/// stream: a system decompressor (`gzip -dc`) feeding a restore. Its standard input is a
/// descriptor of ours; its standard error goes to a pipe, so what it says becomes part of our
/// one-line message instead of a second line of its own.
public final class FilterProcess: @unchecked Sendable {
    /// The program and its arguments, for messages ("gzip -dc").
    public let commandLine: String
    /// The read end of the child's standard output.
    public let output: FileDescriptor
    private let errors: FileDescriptor
    private let pid: pid_t
    private var waited = false

    /// How the child ended.
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// Starts `arguments[0]` with `input` as its standard input. The child gets the default
    /// disposition of the signals swdd blocks or ignores (SIGINT, SIGTERM, SIGHUP, SIGPIPE) and
    /// an empty signal mask, so Ctrl-C and a closed pipe end it as they would end it in a shell.
    public init(_ arguments: [String], input: FileDescriptor) throws(SystemError) {
        precondition(!arguments.isEmpty)
        commandLine = arguments.joined(separator: " ")
        let outPipe = try Self.pipe(arguments[0])
        let errPipe: (read: Int32, write: Int32)
        do { errPipe = try Self.pipe(arguments[0]) } catch {
            _ = Glibc.close(outPipe.read); _ = Glibc.close(outPipe.write)
            throw error
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.rawValue, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe.write, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawnp(&child, arguments[0], &actions, &attributes, &argv, environ)
        _ = Glibc.close(outPipe.write)
        _ = Glibc.close(errPipe.write)
        guard result == 0 else {
            _ = Glibc.close(outPipe.read); _ = Glibc.close(errPipe.read)
            throw SystemError("cannot run \(arguments[0])", code: Errno(rawValue: result))
        }
        pid = child
        output = FileDescriptor(rawValue: outPipe.read, path: commandLine)
        errors = FileDescriptor(rawValue: errPipe.read, path: commandLine)
    }

    deinit {
        if !waited { stop() }
    }

    /// After its output reached its end: closes our end, waits for the child and returns how it
    /// ended with the first line of text it wrote to standard error. Its standard error is read only
    /// now: a decompressor says a line or two, far below a pipe's 64 KiB, so it never blocks on it.
    public func finish() -> (termination: Termination, message: String?) {
        closeOutput()
        let termination = reap()
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 16, let n = try? buffer.withUnsafeMutableBytes({ try errors.read(into: $0) }), n > 0 {
            bytes += buffer[..<n]
        }
        closeErrors()
        // The first line with text (gzip starts its complaint with a newline).
        let line = bytes.split(separator: 10).first { !$0.allSatisfy { $0 == 32 || $0 == 9 } }
        return (termination, line.map { String(decoding: $0, as: UTF8.self) })
    }

    /// Ends the child early (we stopped reading): closes our end of its output, so its next
    /// write fails with SIGPIPE, sends SIGTERM in case it is busy reading, and reaps it.
    @discardableResult
    public func stop() -> Termination {
        closeOutput()
        if !waited { _ = kill(pid, SIGTERM) }
        defer { closeErrors() }
        return reap()
    }

    private var outputClosed = false
    private var errorsClosed = false
    private var termination: Termination = .exited(0)

    private func closeOutput() {
        guard !outputClosed else { return }
        _ = try? output.close()
        outputClosed = true
    }

    private func closeErrors() {
        guard !errorsClosed else { return }
        _ = try? errors.close()
        errorsClosed = true
    }

    /// `waitpid`, once.
    private func reap() -> Termination {
        guard !waited else { return termination }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        waited = true
        termination = Self.termination(of: status)
        return termination
    }

    /// The wait status decoded (the W* macros are not imported into Swift).
    private static func termination(of status: Int32) -> Termination {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    /// `pipe`, both ends close-on-exec (swdd starts no other program meanwhile) and above the
    /// standard streams (so the `dup2` to 0–2 in the child always clears close-on-exec, even
    /// when our own standard streams are closed).
    private static func pipe(_ program: String) throws(SystemError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw SystemError.current("pipe for \(program)") }
        for i in 0..<2 { _ = fcntl(fds[i], F_SETFD, FD_CLOEXEC) }
        for i in 0..<2 where fds[i] <= 2 {
            let moved = fcntl(fds[i], F_DUPFD_CLOEXEC, Int32(3))
            let error = errno
            _ = Glibc.close(fds[i])
            guard moved >= 0 else {
                _ = Glibc.close(fds[1 - i])
                throw SystemError("pipe for \(program)", code: Errno(rawValue: error))
            }
            fds[i] = moved
        }
        return (fds[0], fds[1])
    }
}
