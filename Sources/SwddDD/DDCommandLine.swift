/// What a dd-mode command line asks for.
public enum DDInvocation: Sendable, Equatable {
    /// `--help` (or an abbreviation such as `--he`): print ``DDHelp/text(programName:)``, exit 0.
    case help
    /// `--version` (or `--v`, `--vers` …): print the version text, exit 0.
    case version
    /// Copy with these settings, after printing each warning as `"\(program): \(warning)"`.
    case copy(DDSettings, warnings: [String])
}

/// The whole dd-mode command line (argv after the program name), as GNU dd 9.1 reads it:
/// first coreutils' `parse_gnu_standard_options_only` — one `getopt_long` call that knows only
/// `--help` and `--version` — then `scanargs` over the operands, then validation.
///
/// Like glibc's `getopt_long`, options are found anywhere before `--` (so `dd if=x --help`
/// prints help), long options may be abbreviated, `--` ends the options, and `-` alone is an
/// operand. Only the first option matters: it is either help, version, or an error.
public enum DDCommandLine {
    /// Parses `arguments`. `posixlyCorrect` (the `POSIXLY_CORRECT` environment variable is
    /// set) makes `getopt_long` stop at the first operand, as glibc does.
    public static func parse(
        _ arguments: [String], locale: QuotingLocale, posixlyCorrect: Bool = false
    ) throws(DDUsageError) -> DDInvocation {
        var operands: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let bytes = Array(argument.utf8)
            if argument == "--" {
                operands += arguments[(index + 1)...]
                break
            }
            if bytes.count < 2 || bytes[0] != UInt8(ascii: "-") {
                // A non-option: glibc permutes past it, unless POSIXLY_CORRECT.
                if posixlyCorrect {
                    operands += arguments[index...]
                    break
                }
                operands.append(argument)
                index += 1
                continue
            }
            return try option(argument)
        }
        let (settings, warnings) = try DDSettings.parse(operands, locale: locale)
        return .copy(settings, warnings: warnings)
    }

    /// The first option decides everything, as GNU calls `getopt_long` once. glibc's messages
    /// use ASCII quotes in every locale.
    private static func option(_ argument: String) throws(DDUsageError) -> DDInvocation {
        let bytes = Array(argument.utf8)
        guard bytes[1] == UInt8(ascii: "-") else {
            // dd has no short options: the first letter is the error.
            let letter = argument.dropFirst().first.map(String.init) ?? ""
            throw DDUsageError(message: "invalid option -- '\(letter)'", tryHelp: true)
        }
        let body = bytes[2...]
        let nameBytes = body.prefix { $0 != UInt8(ascii: "=") }
        let hasArgument = nameBytes.count != body.count
        let candidates = ["help", "version"].filter { $0.utf8.starts(with: nameBytes) }
        guard let match = candidates.first else {
            throw DDUsageError(message: "unrecognized option '\(argument)'", tryHelp: true)
        }
        let exact = candidates.first { $0.utf8.elementsEqual(nameBytes) }
        if candidates.count > 1 && exact == nil {
            throw DDUsageError(
                message: "option '\(argument)' is ambiguous; possibilities: '--help' '--version'",
                tryHelp: true)
        }
        let name = exact ?? match
        if hasArgument {
            throw DDUsageError(message: "option '--\(name)' doesn't allow an argument", tryHelp: true)
        }
        return name == "help" ? .help : .version
    }
}
