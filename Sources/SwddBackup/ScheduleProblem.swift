/// Why a schedule cannot be made, read, installed or removed: one line for the CLI to print as
/// `swdd: …` (an invalid `--cron` field, a policy key that is not known, a unit file that swdd
/// did not write).
public struct ScheduleProblem: Error, Sendable, Equatable {
    public var message: String
    /// A usage error (exit 2) rather than a failure (exit 1): the user's words were wrong, not
    /// the system.
    public var isUsage: Bool

    public init(_ message: String, usage: Bool = true) {
        self.message = message
        self.isUsage = usage
    }
}
