#if canImport(Glibc)
import Glibc
#endif

/// Where programs are: this process's own executable, and a program found through `PATH` as a
/// shell would find it. Schedules name swdd by its absolute path (a timer's or cron's `PATH` is
/// not the user's), and run `systemd-analyze` only where it is installed.
public enum ProgramLocation {
    /// The absolute path of the running executable, symlinks resolved; the C function is
    /// `readlink("/proc/self/exe")`.
    public static func currentExecutable() throws(SystemError) -> String {
        try FileSystemPath.symbolicLinkTarget("/proc/self/exe")
    }

    /// The first executable regular file called `name` in the directories of `PATH` (the
    /// system's default `PATH` when it is unset), as `execvp` searches.
    public static func find(_ name: String) -> String? {
        let path = ProcessEnvironment.value(of: "PATH") ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            var st = stat()
            guard stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 else { continue }
            return candidate
        }
        return nil
    }
}
