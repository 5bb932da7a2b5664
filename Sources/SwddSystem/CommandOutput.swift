#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// A program run to its end with its standard output and standard error collected together
/// (a filesystem checker's report), standard input from /dev/null.
public struct CommandOutput: Sendable {
    /// The exit code (128 + the signal when it was killed).
    public var status: Int32
    public var text: String

    /// The C functions are `posix_spawnp` and `waitpid`; `arguments` include argv[0]. At most
    /// `limit` bytes of output are kept; the rest is read and dropped so the program never blocks.
    public static func run(_ program: String, arguments: [String], limit: Int = 1 << 20) throws(SystemError) -> CommandOutput {
        var fds: [Int32] = [-1, -1]
        if swdd_pipe_cloexec(&fds) != 0 { throw SystemError.current("pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, program, &actions, nil, argv, environ)
        Glibc.close(fds[1])
        if rc != 0 {
            Glibc.close(fds[0])
            throw SystemError("posix_spawn", path: program, code: Errno(rawValue: rc))
        }
        var kept: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(fds[0], $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }  // the end of its output (or a read error: what was read stands)
            if kept.count < limit { kept += buffer[0..<min(got, limit - kept.count)] }
        }
        Glibc.close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return CommandOutput(status: ProcessStatus.exitCode(status), text: String(decoding: kept, as: UTF8.self))
    }

    /// Whether `program` is found on PATH as an executable.
    public static func isInstalled(_ program: String) -> Bool {
        let path = ProcessEnvironment.value(of: "PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }
}
