/// How one argument is written into a systemd unit's `ExecStart=` and into a cron line (a
/// POSIX shell command), so that every argument arrives as it was given: spaces, quotes, `$`,
/// `%`, backslashes and a leading `-` included. A newline or another control character cannot
/// be written on one line of either and is refused.
public enum ScheduleQuoting {
    /// Characters that need no quoting in either syntax.
    static func isPlain(_ argument: String) -> Bool {
        !argument.isEmpty && argument.unicodeScalars.allSatisfy {
            ($0.value < 128 && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "/._=:,+@-".unicodeScalars.contains($0)
        }
    }

    public static func checkWritable(_ argument: String) throws(ScheduleProblem) {
        if argument.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) {
            throw ScheduleProblem("argument '\(argument.debugDescription.dropFirst().dropLast())' holds a newline or another control character: a schedule cannot carry it")
        }
    }

    /// systemd.service(5) "Command lines": double quotes group a word and take C escapes (`\\`,
    /// `\"`); `%` starts a specifier everywhere in a unit (`%%` is one `%`) and `$` an
    /// environment variable (`$$` is one `$`).
    public static func systemd(_ argument: String) -> String {
        if isPlain(argument) { return argument }
        var quoted = "\""
        for character in argument {
            switch character {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "%": quoted += "%%"
            case "$": quoted += "$$"
            default: quoted.append(character)
            }
        }
        return quoted + "\""
    }

    /// Text outside `ExecStart=` (a `Description=`): only the specifiers need escaping.
    public static func systemdText(_ text: String) -> String {
        text.replacing("%", with: "%%")
    }

    /// A POSIX shell word: single quotes keep everything but `'`, which is written `'\''`.
    public static func shell(_ argument: String) -> String {
        if isPlain(argument) { return argument }
        return "'" + argument.replacing("'", with: "'\\''") + "'"
    }

    /// A shell command made a cron line's command: crontab(5) turns an unescaped `%` into a
    /// newline, and `\%` into `%`. A backslash right before a `%` in an argument would pair with
    /// the escape (cronie and Vixie cron read `\\%` as a backslash, then a newline): refused.
    public static func cron(_ command: String) throws(ScheduleProblem) -> String {
        if command.contains("\\%") {
            throw ScheduleProblem("an argument with a backslash right before '%' cannot be written on a cron line (cron reads '\\%' itself)")
        }
        return command.replacing("%", with: "\\%")
    }

    /// Splits a line of shell words as `shell` writes them (single quotes, double quotes with
    /// backslash escapes, backslashes outside quotes): how a schedule's header is read back.
    public static func shellWords(_ line: String) throws(ScheduleProblem) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(line).makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                while true {
                    guard let next = iterator.next() else { throw ScheduleProblem("unterminated quote in '\(line)'", usage: false) }
                    if next == "'" { break }
                    current.append(next)
                }
            case "\"":
                inWord = true
                while true {
                    guard let next = iterator.next() else { throw ScheduleProblem("unterminated quote in '\(line)'", usage: false) }
                    if next == "\"" { break }
                    if next == "\\", let escaped = iterator.next() {
                        if !"$`\"\\".contains(escaped) { current.append("\\") }
                        current.append(escaped)
                    } else {
                        current.append(next)
                    }
                }
            case "\\":
                inWord = true
                if let escaped = iterator.next() { current.append(escaped) }
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
