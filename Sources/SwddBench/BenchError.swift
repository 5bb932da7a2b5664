import SwddSystem

/// Why a bench could not run or stopped. The CLI prints `message` once, after `swdd: `.
public enum BenchError: Error, Equatable, Sendable {
    /// A system call failed (open, read, write, fdatasync, …).
    case system(SystemError)
    /// The options do not make a runnable plan.
    case invalidPlan(String)
    /// A safety rule refused the target (writing without `--write`, a mounted device).
    case refused(String)
    /// The target ended inside the region it reported (a file truncated under the bench).
    case unexpectedEnd(path: String, offset: Int64)
    /// No thread could be started for a worker.
    case threadUnavailable

    public var message: String {
        switch self {
        case .system(let error):
            // GNU dd's wording for the calls it shares with us.
            let path = error.path.map { " '\($0)'" } ?? ""
            switch error.operation {
            case "open": return "failed to open\(path): \(error.reason)"
            case "stat": return "cannot stat\(path): \(error.reason)"
            case "read": return "error reading\(path): \(error.reason)"
            case "write": return "error writing\(path): \(error.reason)"
            case "fdatasync", "fsync": return "\(error.operation) failed for\(path): \(error.reason)"
            default: return error.description
            }
        case .invalidPlan(let text), .refused(let text):
            return text
        case .unexpectedEnd(let path, let offset):
            return "error reading '\(path)': unexpected end of data at byte \(offset)"
        case .threadUnavailable:
            return "cannot start a worker thread"
        }
    }
}
