import SwddSystem
import Synchronization

/// The one progress line on standard error: rewritten in place with a carriage return, padded
/// over the previous text (no terminal escapes, so a log captured with --progress stays plain),
/// and erased when the command ends. Shared with the signal watcher and the progress ticker,
/// hence the lock.
final class StatusLine: Sendable {
    private let enabled: Bool
    private let width = Mutex(0)

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ text: String) {
        guard enabled else { return }
        width.withLock { width in
            let pad = String(repeating: " ", count: max(0, width - text.count))
            FileDescriptor.standardError.writeAll("\r" + text + pad)
            width = text.count
        }
    }

    func finish() {
        guard enabled else { return }
        width.withLock { width in
            guard width > 0 else { return }
            FileDescriptor.standardError.writeAll("\r" + String(repeating: " ", count: width) + "\r")
            width = 0
        }
    }
}
