#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import Synchronization

/// A mounted file system frozen (`FIFREEZE`, as util-linux `fsfreeze -f` does) so its blocks
/// stop changing while they are read: writers block, the journal is flushed, the block device
/// holds a consistent file system.
///
/// The freeze is held by a helper process (this program again, `helperEntryPoint`), not by this
/// one: the helper freezes, says so on its standard output, then waits on its standard input,
/// and thaws (`FITHAW`) when that input ends, whatever ended it — `thaw()`, an exit, `kill -9`
/// of this process — or when its timeout expires. A frozen file system is never left behind by
/// a process that died while holding it.
public enum FilesystemFreeze {
    /// argv[1] that makes swdd the helper: `swdd __freeze-helper MOUNTPOINT MILLISECONDS`.
    public static let helperEntryPoint = "__freeze-helper"

    /// Freezes the file system mounted on `mountPoint` for at most `timeout`, and returns once
    /// it is frozen. `executable` is the program that runs the helper (this one).
    public static func hold(mountPoint: String, timeout: Duration, executable: String = "/proc/self/exe") throws(FreezeError) -> FrozenFilesystem {
        let milliseconds = max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(executable, arguments: ["swdd", helperEntryPoint, mountPoint, String(milliseconds)])
        } catch {
            throw .notFrozen(error)
        }
        switch FreezeReply(line: child.readLine()) {
        case .frozen:
            return FrozenFilesystem(mountPoint: mountPoint, timeout: timeout, helper: child)
        case .failed(let operation, let code):
            child.finish()
            throw .notFrozen(SystemError(operation, path: mountPoint, code: code))
        default:
            // It died before answering, perhaps between freezing and saying so.
            child.finish()
            thawDirectly(mountPoint)
            throw .helperVanished(mountPoint: mountPoint)
        }
    }

    /// `FITHAW` from this process, for a helper that can no longer do it (killed). `EINVAL`
    /// (not frozen) is the usual answer and is fine.
    static func thawDirectly(_ mountPoint: String) {
        guard let directory = try? FileDescriptor.open(mountPoint, flags: [.readOnly, .directory, .closeOnExec]) else { return }
        _ = swdd_fithaw(directory.rawValue)
        try? directory.close()
    }
}

/// Why a freeze did not hold for as long as it was needed.
public enum FreezeError: Error, Equatable, Sendable {
    /// The helper could not start, or opening the mount point or `FIFREEZE` failed (`EPERM`
    /// without root, `EOPNOTSUPP` for a file system that cannot be frozen): nothing is frozen.
    case notFrozen(SystemError)
    /// The timeout ended the freeze (the helper thawed) while the file system was still needed.
    case expired(mountPoint: String, timeout: Duration)
    /// `FITHAW` failed; `EINVAL` means someone else thawed it while it was held.
    case thawFailed(SystemError)
    /// The helper died without a word (killed); the file system was thawed from this process.
    case helperVanished(mountPoint: String)
}

/// A held freeze (`FilesystemFreeze.hold`). Any thread may call its methods.
public final class FrozenFilesystem: Sendable {
    public let mountPoint: String
    public let timeout: Duration
    private enum State {
        case held(ChildProcess)
        case ended(FreezeError?)
    }
    private let state: Mutex<State>

    fileprivate init(mountPoint: String, timeout: Duration, helper: ChildProcess) {
        self.mountPoint = mountPoint
        self.timeout = timeout
        state = Mutex(.held(helper))
    }

    /// Throws when the freeze has ended on its own (timeout, helper killed). Costs one `poll`.
    public func checkStillFrozen() throws(FreezeError) {
        let failure: FreezeError? = state.withLock { state in
            guard case .held(let helper) = state else {
                if case .ended(let failure) = state { return failure }
                return nil
            }
            guard helper.outputIsReadable else { return nil }
            // The helper speaks only when it thaws on its own, or ends.
            let failure = outcome(of: helper.readLine()) ?? .expired(mountPoint: mountPoint, timeout: timeout)
            helper.finish()
            state = .ended(failure)
            return failure
        }
        if let failure { throw failure }
    }

    /// Ends the freeze: closes the helper's input, waits for its word that it thawed, reaps it.
    /// Throws if the freeze had ended before (`expired`) or thawing failed. Calling it again
    /// returns the first call's outcome.
    public func thaw() throws(FreezeError) {
        let failure: FreezeError? = state.withLock { state in
            switch state {
            case .ended(let failure):
                return failure
            case .held(let helper):
                helper.closeInput()
                let failure = outcome(of: helper.readLine())
                helper.finish()
                state = .ended(failure)
                return failure
            }
        }
        if let failure { throw failure }
    }

    /// What the helper's line says about the freeze's end; nil when it thawed as asked.
    private func outcome(of line: String?) -> FreezeError? {
        switch FreezeReply(line: line) {
        case .thawed: nil
        case .expired: .expired(mountPoint: mountPoint, timeout: timeout)
        case .failed(let operation, let code): .thawFailed(SystemError(operation, path: mountPoint, code: code))
        case .frozen, .none: vanished()
        }
    }

    private func vanished() -> FreezeError {
        FilesystemFreeze.thawDirectly(mountPoint)
        return .helperVanished(mountPoint: mountPoint)
    }
}

/// The helper's words on its standard output, one line each: `frozen`, then `thawed` or
/// `expired`; `failed OPERATION ERRNO` instead of either when a call fails.
enum FreezeReply: Equatable {
    case frozen, thawed, expired
    case failed(String, Errno)

    init?(line: String?) {
        guard let line else { return nil }
        let words = line.split(separator: " ")
        switch words.first {
        case "frozen": self = .frozen
        case "thawed": self = .thawed
        case "expired": self = .expired
        case "failed" where words.count == 3:
            guard let code = Int32(words[2]) else { return nil }
            self = .failed(String(words[1]), Errno(rawValue: code))
        default: return nil
        }
    }

    var line: String {
        switch self {
        case .frozen: "frozen\n"
        case .thawed: "thawed\n"
        case .expired: "expired\n"
        case .failed(let operation, let code): "failed \(operation) \(code.rawValue)\n"
        }
    }
}

extension ChildProcess {
    /// One line of the child's output without its newline; nil at its end (or on an error)
    /// before any byte. Byte by byte: the lines are a few bytes, and nothing past one is taken.
    func readLine() -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = withUnsafeMutableBytes(of: &byte) { (try? output.read(into: $0)) ?? 0 }
            if n == 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }  // end or error
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    /// Closes both pipes and reaps the child (which exits once its input has ended).
    func finish() {
        closeInput()
        closeOutput()
        waitForExit()
    }
}
