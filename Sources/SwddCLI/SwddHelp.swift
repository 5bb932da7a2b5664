import ArgumentParser
import SwddDD

/// `swdd --help`, `swdd -h`, `swdd help`: what swdd is, every subcommand with its one line
/// (taken from `SwddSubcommands.subcommandTypes`, so a new subcommand is listed without an edit
/// here), then dd mode in swdd's words (``DDModeGuide``). A `dd` symlink prints GNU dd's text
/// instead (``DDHelp``).
enum SwddHelp {
    /// `program` is argv[0], as GNU's usage lines show it; the rest says swdd.
    static func text(program: String) -> String {
        var lines = [
            "Usage: \(program) SUBCOMMAND [ARGUMENT]...",
            "  or:  \(program) [OPERAND]...",
            "  or:  \(program) OPTION",
        ]
        lines += TextWrap.fill(description)
        lines += ["", "Subcommands:"]
        lines += TextWrap.list(subcommandRows, column: 12)
        lines += [""]
        lines += TextWrap.fill("'swdd help SUBCOMMAND' or 'swdd SUBCOMMAND --help' shows a subcommand's arguments and options.")
        lines += ["", "dd mode:"]
        lines += TextWrap.fill(DDModeGuide.summary, indent: 2)
        for section in DDModeGuide.sections {
            lines += [""] + TextWrap.fill(section.title + ": " + sentenceContinued(section.introduction))
            lines += TextWrap.list(section.entries.map { ($0.term, $0.text) }, column: 24)
        }
        lines += ["", "Options:"]
        lines += TextWrap.list(optionRows, column: 24)
        lines += [""] + TextWrap.fill("Exit status of subcommands: " + exitStatuses + " dd mode exits as GNU dd does.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// "Each is …" after a colon reads "each is …"; "GNU dd …" stays.
    static func sentenceContinued(_ text: String) -> String {
        guard let first = text.first, first.isUppercase, text.dropFirst().first?.isLowercase == true else { return text }
        return first.lowercased() + text.dropFirst()
    }

    /// The paragraph under the usage lines (and the manual's DESCRIPTION).
    static let description = """
        Copy, image, back up, restore, mirror, list and measure disks on Linux: GNU dd's \
        command line, fdisk -l's listing, compressed and checksummed images that any zstd \
        reads, incremental and differential backup chains, and a device benchmark, on one engine.
        """

    /// Subcommand names and abstracts, in `subcommandTypes` order, then ArgumentParser's `help`.
    static var subcommandRows: [(term: String, text: String)] {
        SwddSubcommands.subcommandTypes.map { ($0._commandName, $0.configuration.abstract) }
            + [("help", "Show swdd's help, or a subcommand's (help SUBCOMMAND).")]
    }

    static let optionRows: [(term: String, text: String)] = [
        ("-h, --help, help", "Show this help (through a dd symlink, --help is GNU dd's)."),
        ("--version", "Show swdd's version."),
    ]

    static let exitStatuses = "0 done; 1 failed; 2 usage error; 3 done, but some source data was unreadable; 4 verification found damage or a mismatch; 5 the repository is locked."
}
