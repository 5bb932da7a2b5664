import ArgumentParser
import SwddDD

/// swdd(1), in man(7) macros, generated from the command definitions: each subcommand's usage,
/// description and options from ArgumentParser's own description of it (the ToolInfo its
/// `generate-manual` plugin reads), and dd mode from ``DDModeGuide``, which the plugin cannot
/// know (dd's operands are parsed by hand). `scripts/install` writes it with `swdd
/// --generate-manual`; `man -l` renders it.
enum ManualPage {
    /// The hidden option that prints the page.
    static let option = "--generate-manual"

    static func render() -> String {
        let root = ToolInfoJSON.parse(SwddSubcommands._dumpHelp())?["command"]
        var page: [String] = [
            ".TH SWDD 1 \"\" \"swdd \(SwddVersion.string)\" \"User Commands\"",
            ".SH NAME",
            "swdd \\- copy, image, verify, restore, list and measure disks",
            ".SH SYNOPSIS",
            ".B swdd",
            "\\fISUBCOMMAND\\fR [\\fIARGUMENT\\fR]...",
            ".br",
            ".B swdd",
            "[\\fIOPERAND\\fR]...",
            ".br",
            ".B swdd",
            "\\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR",
            ".SH DESCRIPTION",
            escaped(SwddHelp.description),
            ".PP",
            escaped("Through a symbolic link named dd, swdd is dd only: every argument is a dd operand and --help prints GNU dd's text."),
            ".SH SUBCOMMANDS",
        ]
        let types = Dictionary(uniqueKeysWithValues: SwddSubcommands.subcommandTypes.map { ($0._commandName, $0) })
        for command in root?["subcommands"]?.array ?? [] {
            guard let name = command["commandName"]?.string, command["shouldDisplay"]?.bool != false else { continue }
            page.append(".SS \"swdd \(name)\"")
            if let abstract = command["abstract"]?.string { page.append(escaped(abstract)) }
            if let type = types[name] {
                page += [".PP", ".nf", escaped(SwddSubcommands.usageString(for: type)), ".fi"]
            }
            if let discussion = command["discussion"]?.string, !discussion.isEmpty {
                page += paragraphs(discussion)
            }
            for argument in command["arguments"]?.array ?? [] where argument["shouldDisplay"]?.bool != false && !isStandardOption(argument) {
                page += [".TP", term(of: argument)]
                var text = argument["abstract"]?.string ?? ""
                if let discussion = argument["discussion"]?.string, !discussion.isEmpty { text += " " + discussion }
                if let value = argument["defaultValue"]?.string, !value.isEmpty { text += " (default: \(value))" }
                page.append(escaped(text))
            }
        }
        page += [".SH DD MODE", escaped(DDModeGuide.summary)]
        for section in DDModeGuide.sections {
            page += [".SS \"\(section.title)\"", escaped(section.introduction)]
            for entry in section.entries {
                page += [".TP", "\\fB" + escaped(entry.term) + "\\fR", escaped(entry.text)]
            }
        }
        page += [
            ".SH OPTIONS",
            ".TP", "\\fB\\-h\\fR, \\fB\\-\\-help\\fR, \\fBhelp\\fR", escaped("Show swdd's help; help SUBCOMMAND or SUBCOMMAND --help show a subcommand's."),
            ".TP", "\\fB\\-\\-version\\fR", escaped("Show swdd's version."),
            ".SH EXIT STATUS",
            escaped("Subcommands: " + SwddHelp.exitStatuses + " dd mode exits as GNU dd does (0 done, 1 failed)."),
            ".SH SEE ALSO",
            ".BR dd (1),",
            ".BR fdisk (8),",
            ".BR zstd (1),",
            ".BR bmaptool (1),",
            ".BR fio (1)",
        ]
        return page.joined(separator: "\n") + "\n"
    }

    /// Every subcommand's `--help` and `--version`: said once, under OPTIONS.
    static func isStandardOption(_ argument: ToolInfoJSON) -> Bool {
        argument["names"]?.array.contains { ["help", "version"].contains($0["name"]?.string ?? "") } ?? false
    }

    /// `\fB\-\-time\fR \fIseconds\fR`, `\fB\-h\fR, \fB\-\-help\fR`, `\fItarget\fR`.
    static func term(of argument: ToolInfoJSON) -> String {
        let value = argument["valueName"]?.string ?? ""
        guard argument["kind"]?.string != "positional" else { return "\\fI" + escaped(value) + "\\fR" }
        let names = argument["names"]?.array.compactMap { name -> String? in
            guard let text = name["name"]?.string else { return nil }
            let dashes = name["kind"]?.string == "long" ? "--" : "-"
            return "\\fB" + escaped(dashes + text) + "\\fR"
        } ?? []
        let takesValue = argument["kind"]?.string == "option"
        return names.joined(separator: ", ") + (takesValue ? " \\fI" + escaped(value) + "\\fR" : "")
    }

    /// A discussion's paragraphs (blank-line separated), each a `.PP`.
    static func paragraphs(_ text: String) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n\n") {
            lines += [".PP", escaped(String(paragraph))]
        }
        return lines
    }

    /// Text safe as roff input: backslashes and minus signs escaped, the punctuation help texts
    /// use spelled as roff's named characters (troff in the C locale knows no others), and no
    /// line that starts with a control character (`.` or `'`).
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\e"
            case "-": result += "\\-"
            case "…": result += "..."
            case "—": result += "\\(em"
            case "–": result += "\\(en"
            case "→": result += "\\(->"
            case "×": result += "\\(mu"
            case "’": result += "'"
            default: result.append(character)
            }
        }
        return result.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line)
        }.joined(separator: "\n")
    }
}
