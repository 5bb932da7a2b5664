/// A dd command line GNU dd would refuse. The CLI prints each of ``warnings`` as
/// `"\(program): \(warning)"`, then `"\(program): \(message)"`, then, when ``tryHelp`` is set,
/// `"Try '\(program) --help' for more information."`, and exits with status 1.
///
/// Texts never contain the program name: the CLI adds `swdd` or `dd`, whichever argv[0] says.
public struct DDUsageError: Error, Sendable, Equatable {
    /// The diagnostic, e.g. `invalid number: ‘1x’`.
    public var message: String
    /// GNU follows this message with its `Try '… --help'` line (it calls `usage(EXIT_FAILURE)`).
    public var tryHelp: Bool
    /// Warnings GNU printed before it met the error (`‘0x’ is a zero multiplier`), in order.
    public var warnings: [String]

    public init(message: String, tryHelp: Bool, warnings: [String] = []) {
        self.message = message
        self.tryHelp = tryHelp
        self.warnings = warnings
    }

    /// The `Try …` line, for the CLI.
    public static func tryHelpLine(program: String) -> String {
        "Try '\(program) --help' for more information."
    }
}
