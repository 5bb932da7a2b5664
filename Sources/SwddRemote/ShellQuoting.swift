/// Words for a POSIX shell, and words from a command line the user typed (`--ssh 'ssh -i key'`).
public enum ShellQuoting {
    /// `text` as one single-quoted word: `'it'\''s'`. Nothing inside is interpreted.
    public static func quote(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }

    /// Splits a command line into words as a shell would for simple cases: whitespace separates,
    /// single and double quotes group, a backslash escapes the next character. Nil when a quote
    /// is left open. (No expansions: `$`, `~` and globs stay as written.)
    public static func split(_ line: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                inWord = true
            case "\\":
                escaped = true
                inWord = true
            case " ", "\t", "\n":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        if quote != nil || escaped { return nil }
        if inWord { words.append(current) }
        return words
    }
}
