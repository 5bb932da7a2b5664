import SwddSystem

/// Checks a systemd calendar expression (`OnCalendar=`) with systemd's own parser,
/// `systemd-analyze calendar`, and returns systemd's normalized form, which is what gets
/// installed (so the same schedule written two ways installs the same text). Where
/// `systemd-analyze` is not installed nothing here can check one, and it is refused.
public enum SystemdCalendar {
    public static func normalize(_ expression: String) throws(ScheduleProblem) -> String {
        let refusal = { (reason: String) in ScheduleProblem("invalid calendar expression '\(expression)': \(reason)") }
        // A unit file is line-based; systemd's calendar syntax has no quotes, `%` or `$`.
        if expression.contains(where: { $0.isNewline || $0 == "%" || $0 == "$" || $0 == "\\" || $0 == "\"" || $0 == "'" }) {
            throw refusal("it holds a character no calendar expression has")
        }
        guard let analyze = ProgramLocation.find("systemd-analyze") else {
            throw ScheduleProblem("cannot check calendar expression '\(expression)': systemd-analyze is not installed here; "
                                  + "use --every hourly|daily|weekly|monthly, or --cron for cron.d")
        }
        // Through sh, so that systemd-analyze's complaint (on its standard error) is read here
        // rather than printed beside ours.
        let output: String
        let status: Int32
        do {
            let child = try ChildProcess.spawn("/bin/sh", arguments: ["sh", "-c", "exec \"$0\" calendar -- \"$1\" 2>&1", analyze, expression])
            child.closeInput()
            output = readAll(child.output)
            child.closeOutput()
            status = child.waitForExit()
        } catch {
            throw ScheduleProblem("cannot run '\(analyze)': \(error.reason)", usage: false)
        }
        guard status == 0 else {
            let said = output.split(separator: "\n").first.map(String.init) ?? "exit status \(status)"
            throw refusal("systemd-analyze calendar says: \(said)")
        }
        for line in output.split(separator: "\n") {
            let words = line.split(separator: ":", maxSplits: 1)
            if words.count == 2, words[0].trimmingSpaces == "Normalized form" { return String(words[1].trimmingSpaces) }
        }
        throw refusal("systemd-analyze calendar printed no normalized form")
    }

    static func readAll(_ descriptor: FileDescriptor) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { (try? descriptor.read(into: $0)) ?? 0 }
            if count <= 0 { break }  // 0 is the end of the child's output; an error ends it too
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
