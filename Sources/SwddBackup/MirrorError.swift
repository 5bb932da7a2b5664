/// Why a mirror stopped, beyond the system's own errors.
public enum MirrorError: Error, Equatable, Sendable {
    /// A read of the target came back short: it shrank, or a device went away, while mirroring.
    case targetEndedEarly(path: String, offset: Int64)
    /// The read-back found a written chunk that does not hold what was written there.
    case readBackMismatch(path: String, offset: Int64, length: Int)
}
