import Foundation

/// Shell helpers for fixtures: loop devices made with losetup, file system facts from stat and fincore.
public enum Shell {
    @discardableResult
    public static func run(_ command: String) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    public static var isRoot: Bool { getuid() == 0 }

    /// `stat -f`'s name for the file system holding `path` (`tmpfs`, `ext2/ext3`, …).
    public static func fileSystemType(_ path: String) -> String {
        run("stat -f -c %T '\(path)'").output
    }

    /// Pages of `file` in the page cache, as `fincore` counts them.
    public static func residentPages(_ file: String) -> Int? {
        Int(run("fincore --noheadings --output PAGES '\(file)'").output)
    }

    /// A fresh directory under /tmp, removed by the caller.
    public static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "swdd-bench-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Attaches `file` to a free loop device; nil (and the reason) when that is not possible here.
    public static func attachLoop(_ file: String) -> String? {
        let result = run("losetup -f --show '\(file)'")
        return result.status == 0 ? result.output : nil
    }

    /// The trimmed standard output of `command`, or nil when it fails (its stderr is dropped).
    public static func output(_ command: String) -> String? {
        let result = run(command + " 2>/dev/null")
        return result.status == 0 ? result.output : nil
    }
}
