#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// The helper process that holds a `FilesystemFreeze` (`swdd __freeze-helper MOUNTPOINT
/// MILLISECONDS`): freeze, say `frozen`, wait for the end of standard input or the timeout,
/// thaw, say `thawed` or `expired`, exit.
///
/// It writes nothing anywhere but its standard output (a pipe): a write to the frozen file
/// system would block it forever, and with it the thaw. The signals a terminal or a shell sends
/// a whole process group are ignored, so a Ctrl-C that kills swdd leaves the helper to see its
/// input end and thaw.
public enum FreezeHelper {
    public static func run(_ arguments: [String]) -> Never {
        for signal in [SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGPIPE, SIGTSTP] { _ = Glibc.signal(signal, SIG_IGN) }
        guard arguments.count == 2, let milliseconds = UInt64(arguments[1]), milliseconds > 0 else {
            FileDescriptor.standardError.writeAll("swdd: \(FilesystemFreeze.helperEntryPoint) is swdd's own helper for --freeze, not a command\n")
            ProcessEnvironment.exit(status: 2)
        }
        let mountPoint = arguments[0]
        let directory: FileDescriptor
        do {
            directory = try FileDescriptor.open(mountPoint, flags: [.readOnly, .directory, .closeOnExec])
        } catch {
            say(.failed("open", error.code))
            ProcessEnvironment.exit(status: 1)
        }
        if swdd_fifreeze(directory.rawValue) != 0 {
            say(.failed("FIFREEZE", .current))
            ProcessEnvironment.exit(status: 1)
        }
        say(.frozen)
        let expired = !waitForEndOfInput(milliseconds: milliseconds)
        if swdd_fithaw(directory.rawValue) != 0 {
            say(.failed("FITHAW", .current))
            ProcessEnvironment.exit(status: 1)
        }
        say(expired ? .expired : .thawed)
        ProcessEnvironment.exit(status: 0)
    }

    /// Waits until standard input is readable (its end, or a byte: either means thaw now);
    /// false when `milliseconds` passed first. The C function is `poll`, resumed after EINTR
    /// with what is left of the time.
    private static func waitForEndOfInput(milliseconds: UInt64) -> Bool {
        let deadline = MonotonicClock.now() + milliseconds * 1_000_000
        var entry = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        while true {
            let now = MonotonicClock.now()
            guard now < deadline else { return false }
            let left = Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max)))
            let rc = poll(&entry, 1, left)
            if rc > 0 { return true }
            // An unusable standard input cannot tell us when to thaw: thaw now.
            if rc < 0 && errno != EINTR { return true }
        }
    }

    /// A write to the parent's pipe; if the parent is gone (EPIPE, SIGPIPE ignored), nobody is
    /// left to tell, and the thaw goes on regardless.
    private static func say(_ reply: FreezeReply) {
        try? FileDescriptor.standardOutput.writeAll(text: reply.line)
    }
}
