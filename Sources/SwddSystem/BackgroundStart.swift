#if canImport(Glibc)
import Glibc
#endif

/// Starting a server in the background the way that keeps errors honest: the process forks at
/// once, before any thread exists; the child does all the work (its errors still reach the
/// terminal) and says when it is up; the parent waits for that and only then exits 0 — or, if
/// the child ends first, exits with the child's status. fuse_daemonize does the same, but after
/// threads and leases would already exist, and a fork keeps only the calling thread.
public enum BackgroundStart {
    /// What the child holds: the pipe on which it reports that it is up.
    public final class Ready: @unchecked Sendable {
        private var descriptor: FileDescriptor?

        init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }

        /// Tells the waiting parent that the server is up, then detaches the child's standard
        /// input and output (standard error stays where it was: the log). Once.
        public func signal() {
            guard let descriptor else { return }
            self.descriptor = nil
            var byte: UInt8 = 0
            _ = withUnsafeBytes(of: &byte) { try? descriptor.write($0) }
            try? descriptor.close()
            let null = Glibc.open("/dev/null", O_RDWR)
            if null >= 0 {
                dup2(null, 0)
                dup2(null, 1)
                if null > 2 { Glibc.close(null) }
            }
        }
    }

    /// Forks. Returns in the child only (in a new session, so the terminal's signals do not
    /// reach it), with the `Ready` to signal; the parent never returns: it exits 0 once the
    /// child signals, or with the child's exit status when the child ends without signalling.
    /// The C functions are `pipe2`, `fork`, `setsid` and `waitpid`.
    public static func fork() throws(SystemError) -> Ready {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw SystemError.current("pipe") }
        let pid = Glibc.fork()
        if pid < 0 {
            let error = SystemError.current("fork")
            Glibc.close(fds[0]); Glibc.close(fds[1])
            throw error
        }
        if pid == 0 {
            Glibc.close(fds[0])
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            setsid()
            return Ready(FileDescriptor(rawValue: fds[1]))
        }
        Glibc.close(fds[1])
        var byte: UInt8 = 0
        var got: Int
        repeat { got = Glibc.read(fds[0], &byte, 1) } while got < 0 && errno == EINTR
        if got == 1 { Glibc.exit(0) }
        // The child ended (or closed the pipe) without being up: its status is ours.
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        Glibc.exit(ProcessStatus.exitCode(status))
    }
}

/// `waitpid` statuses as exit codes (the W* macros Swift cannot import).
public enum ProcessStatus {
    /// The exit code of a normal exit, 128 + the signal for a killed process.
    public static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
