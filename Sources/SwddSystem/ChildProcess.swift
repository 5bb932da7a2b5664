#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// A program this process started, its standard input and output connected to pipes held here
/// (standard error is shared). Every pipe end is close-on-exec in this process, so no other
/// program started later keeps one open: when this process exits, however it exits, the child
/// sees the end of its input. Not for concurrent use: one owner (or a lock) at a time.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    /// The write end of the child's standard input.
    public let input: FileDescriptor
    /// The read end of the child's standard output.
    public let output: FileDescriptor

    private init(pid: pid_t, input: FileDescriptor, output: FileDescriptor) {
        self.pid = pid
        self.input = input
        self.output = output
    }

    /// The C function is `posix_spawn` (`posix_spawnp` for a name without a slash), with the
    /// environment of this process. `arguments` include the program's name (argv[0]).
    /// With `silencingErrors`, the child's standard error is /dev/null (chatter a caller words itself);
    /// with `errors`, that descriptor. With `standardInput`, the child reads that descriptor (a
    /// file read to its real end even if this process dies, unlike a pipe) and `input` is closed.
    /// `environment` ("NAME=value" each) replaces this process's.
    public static func spawn(_ executable: String, arguments: [String], silencingErrors: Bool = false,
                             errors: FileDescriptor? = nil, standardInput: FileDescriptor? = nil,
                             environment: [String]? = nil) throws(SystemError) -> ChildProcess {
        let toChild = try pipe()
        let fromChild: (read: FileDescriptor, write: FileDescriptor)
        do {
            fromChild = try pipe()
        } catch {
            try? toChild.read.close(); try? toChild.write.close()
            throw error
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copies, so only 0 and 1 reach the child; the pipe
        // ends are all above 2 (`pipe` moves them), so dup2 never copies a descriptor onto itself.
        posix_spawn_file_actions_adddup2(&actions, (standardInput ?? toChild.read).rawValue, 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild.write.rawValue, 1)
        if let errors {
            posix_spawn_file_actions_adddup2(&actions, errors.rawValue, 2)
        } else if silencingErrors {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup($0) } + [nil] }
        defer { for pointer in envp ?? [] { free(pointer) } }
        var pid: pid_t = 0
        // A bare name (`ssh`) is looked up in PATH, as a shell would.
        let rc = envp.withOptionalPointer { chosen in
            let env = chosen ?? environ
            return executable.contains("/") ? posix_spawn(&pid, executable, &actions, nil, argv, env)
                                            : posix_spawnp(&pid, executable, &actions, nil, argv, env)
        }
        // The child's ends are the child's now (or nobody's, if it did not start).
        try? toChild.read.close()
        try? fromChild.write.close()
        if rc != 0 {
            try? toChild.write.close(); try? fromChild.read.close()
            throw SystemError("posix_spawn", path: executable, code: Errno(rawValue: rc))
        }
        let child = ChildProcess(pid: pid, input: toChild.write, output: fromChild.read)
        if standardInput != nil { child.closeInput() }
        return child
    }

    /// Ends the child at once (`SIGKILL`): what it was writing is not finished, as it would be
    /// if it only saw the end of its input.
    public func kill() {
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// This process's environment, "NAME=value" each: what a caller edits for `spawn(environment:)`.
    public static var currentEnvironment: [String] {
        var entries: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            entries.append(String(cString: entry))
            cursor += 1
        }
        return entries
    }

    /// The C function is `pipe2(O_CLOEXEC)`; both ends are moved above the standard streams, so
    /// a closed standard stream is never silently made a pipe end.
    private static func pipe() throws(SystemError) -> (read: FileDescriptor, write: FileDescriptor) {
        var fds: [Int32] = [-1, -1]
        if swdd_pipe_cloexec(&fds) != 0 { throw SystemError.current("pipe") }
        for index in 0..<2 where fds[index] <= 2 {
            let moved = fcntl(fds[index], F_DUPFD_CLOEXEC, Int32(3))
            let error = SystemError.current("pipe")
            _ = Glibc.close(fds[index])
            fds[index] = moved
            if moved < 0 {
                for fd in fds where fd >= 0 { _ = Glibc.close(fd) }
                throw error
            }
        }
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }

    private var inputOpen = true
    private var outputOpen = true

    /// Closes the child's input (it sees its end); once, whatever the number of calls.
    public func closeInput() {
        guard inputOpen else { return }
        inputOpen = false
        try? input.close()
    }

    /// Closes this end of the child's output; once, whatever the number of calls.
    public func closeOutput() {
        guard outputOpen else { return }
        outputOpen = false
        try? output.close()
    }

    /// Whether `output` has something to read (data or its end) right now; the C function is
    /// `poll` with a zero timeout.
    public var outputIsReadable: Bool {
        var entry = pollfd(fd: output.rawValue, events: Int16(POLLIN), revents: 0)
        while true {
            let rc = poll(&entry, 1, 0)
            if rc >= 0 { return rc > 0 }
            if errno != EINTR { return true }  // let the read that follows report the error
        }
    }

    /// Waits for the child to exit and returns its `waitpid` status; the C function is `waitpid`.
    @discardableResult
    public func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return status
    }

    /// Waits for the child and returns its exit status, or 128 + the signal that ended it (as a
    /// shell reports it).
    public func exitStatus() -> Int32 {
        let status = waitForExit()
        if status < 0 { return 127 }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// The exit status if the child has already exited (reaping it), nil while it runs; the C
    /// function is `waitpid(WNOHANG)`. After it returned a status, do not wait again.
    public func exitStatusIfExited() -> Int32? {
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        guard rc == pid else { return rc < 0 && errno != EINTR ? 127 : nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

private extension Optional where Wrapped == [UnsafeMutablePointer<CChar>?] {
    /// The array's storage as a C `char *const *`, or nil.
    func withOptionalPointer<R>(_ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> R) -> R {
        guard var array = self else { return body(nil) }
        return array.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }
}
