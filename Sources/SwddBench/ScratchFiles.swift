#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SwddSystem

/// The temporary files a bench creates, so that whoever ends the process — the normal path, an
/// error, or the SIGINT watcher on its own thread — can remove them.
///
/// Creating and removing take the same lock: once `removeAll` has run, nothing new is created,
/// so a signal arriving while a file is being created cannot leave that file behind.
public final class ScratchFiles: Sendable {
    private struct State {
        var paths: [String] = []
        var closed = false
    }
    private let state = Mutex(State())

    public init() {}

    /// Paths created and not yet removed.
    public var paths: [String] { state.withLock { $0.paths } }

    /// Creates an empty file `.swdd-bench.PID.N` in `directory` (mode 0600, `O_EXCL`, so an
    /// existing file is never reused or truncated) and returns its path.
    func create(in directory: String) throws(BenchError) -> String {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        let pid = currentProcessID()
        return try state.withLock { (state: inout State) throws(BenchError) -> String in
            if state.closed { throw BenchError.refused("interrupted") }
            var attempt = 0
            while true {
                let path = "\(prefix).swdd-bench.\(pid).\(attempt)"
                do throws(SystemError) {
                    let fd = try FileDescriptor.open(path, flags: [.writeOnly, .create, .exclusive, .closeOnExec], mode: 0o600)
                    try? fd.close()
                    state.paths.append(path)
                    return path
                } catch {
                    // Someone else's file of that name: try the next number, a bounded number of times.
                    if error.code == .fileExists && attempt < 1000 {
                        attempt += 1
                        continue
                    }
                    throw BenchError.system(error)
                }
            }
        }
    }

    /// Removes one file now (the normal end of a bench).
    public func remove(_ path: String) {
        state.withLock { state in
            guard let index = state.paths.firstIndex(of: path) else { return }
            state.paths.remove(at: index)
            try? FileSystemPath.remove(path)
        }
    }

    /// Removes every file and refuses new ones. Safe from any thread, any number of times.
    public func removeAll() {
        state.withLock { state in
            state.closed = true
            for path in state.paths { try? FileSystemPath.remove(path) }
            state.paths.removeAll()
        }
    }
}
