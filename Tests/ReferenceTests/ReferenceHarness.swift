// The shared harness of the dd reference suite: one case = one shell command line run twice, once
// with GNU dd and once with swdd as `dd`, each in a fresh copy of the same fixture directory; the
// two runs must agree on stdout, stderr (time and rate of the summary line normalised), exit
// status, every file left in the directory, and the output of an optional check script.
//
// The binary under test is `$SWDD_BIN`, else `<package root>/.build/debug/swdd`, else
// `<package root>/.build-ref/debug/swdd`. `SWDD_BIN=/usr/bin/dd` turns the suite into a proof
// of the harness itself: GNU against GNU must be all green.
// `REF_KEEP=1` keeps every case's directories; `REF_VERBOSE=1` prints GNU's stderr per case.

import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// How the two stderr texts are compared.
enum StderrComparison: Sendable {
    /// Byte for byte, after replacing the time and rate of summary lines with fixed tokens.
    case exact
    /// Only the last three lines (the final summary), for `status=progress`, whose
    /// once-a-second lines depend on timing.
    case finalSummary
    /// Only the shape: every record count and byte count replaced by `N` — for signal cases,
    /// whose counts depend on when the signal lands.
    case shape
}

/// A block device the harness attaches for a case: `image` (made by the case's setup) is attached
/// with `losetup -f --show` and a symlink `link` in the work directory points at the device, so
/// messages name `link` and not `/dev/loopN` (which differs between the two runs).
struct LoopAttachment: Sendable {
    var image: String = "disk.img"
    var link: String = "loop"
    var sectorSize: Int? = nil
}

/// One reference case.
struct DDCase: Sendable, CustomTestStringConvertible {
    /// Short, unique within its group; the locale is appended for display.
    var name: String
    /// Shell run once in a base directory; the files it makes are copied into both work directories.
    var setup: String = ""
    /// Shell run in each work directory; `dd` is the binary under test (`swdd` too, for the
    /// program-name cases). Its stdout, stderr and exit status are compared.
    var command: String
    /// Shell run after `command`; only its stdout is compared (e.g. `stat -c '%s %b' out`).
    var check: String = ""
    /// Shell always run last (unmount, …); not compared.
    var cleanup: String = ""
    var locale: String = "C"
    var stderrComparison: StderrComparison = .exact
    var loops: [LoopAttachment] = []
    /// Seconds before the case is killed and reported as hung.
    var timeout: Double = 30
    /// Mounts a tmpfs or similar: without root the case is cancelled (skipped) and says why.
    var needsRoot = false

    var testDescription: String { "\(name) [\(locale)]" }

    /// The same case in another locale (GNU dd's quotes are '…' in C and ‘…’ in UTF-8 locales).
    func inLocale(_ locale: String) -> DDCase {
        var copy = self
        copy.locale = locale
        return copy
    }
}

extension Array where Element == DDCase {
    /// Every case in the C locale, plus the ones named in `utf8` again in C.UTF-8.
    func withUTF8(_ predicate: (DDCase) -> Bool) -> [DDCase] {
        self + filter(predicate).map { $0.inLocale("C.UTF-8") }
    }

    /// Every case in C and in C.UTF-8.
    var inBothLocales: [DDCase] { withUTF8 { _ in true } }
}

/// What one run left behind.
struct RunOutcome: Sendable {
    var status: Int32
    var timedOut: Bool
    var stdout: [UInt8]
    var stderr: String
    var check: String
    var files: [String: [UInt8]]
    var directory: String
}

enum DDReference {
    // MARK: Locating things

    static let packageRoot: String = {
        // …/Tests/ReferenceTests/ReferenceHarness.swift → the package root, three levels up.
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let gnuDD = "/usr/bin/dd"

    /// The swdd binary under test: `$SWDD_BIN`, else the one built next to this test runner
    /// (same build folder, so never stale), else `.build/debug/swdd`, else `.build-ref/debug/swdd`.
    static let binaryUnderTest: String = {
        let chosen: String = {
            if let bin = ProcessInfo.processInfo.environment["SWDD_BIN"], !bin.isEmpty { return bin }
            let runnerDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
                .deletingLastPathComponent().path
            for path in [runnerDirectory + "/swdd", packageRoot + "/.build/debug/swdd",
                         packageRoot + "/.build-ref/debug/swdd"]
            where FileManager.default.isExecutableFile(atPath: path) {
                return path
            }
            return packageRoot + "/.build/debug/swdd"
        }()
        print("dd reference tests: GNU dd \(gnuDD) against \(chosen)")
        return chosen
    }()

    /// True when the "swdd" under test is GNU dd itself (harness validation): cases about swdd's
    /// extensions are then skipped, since GNU dd rejects them by design.
    static let binaryUnderTestIsGNU: Bool = {
        let resolved = URL(fileURLWithPath: binaryUnderTest).resolvingSymlinksInPath().path
        return resolved == URL(fileURLWithPath: gnuDD).resolvingSymlinksInPath().path
    }()

    static let isRoot = geteuid() == 0

    static let anyFailure = Mutex(false)

    /// Whether loop devices can be used here; nil when they can, else the reason they cannot.
    static let loopUnavailableReason: String? = {
        guard isRoot else { return "needs root for losetup" }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/losetup")
            || FileManager.default.isExecutableFile(atPath: "/sbin/losetup")
        else { return "losetup is not installed" }
        let probe = scratchRoot + "/loop-probe"
        let result = shell(
            "truncate -s 1M probe.img && d=$(losetup -f --show probe.img) && losetup -d \"$d\"",
            in: probe, create: true)
        try? FileManager.default.removeItem(atPath: probe)
        return result.status == 0 ? nil : "losetup -f --show does not work here: \(result.stderr)"
    }()

    // MARK: Shared fixtures

    /// Every case lives under this directory (on /tmp, which must support O_DIRECT and holes: the
    /// suite checks `stat -f` and falls back to the package's `.build-ref` if /tmp is tmpfs).
    static let scratchRoot: String = {
        var base = "/tmp"
        // tmpfs rejects O_DIRECT; use a directory on the package's filesystem then.
        if filesystemType(of: base) == "tmpfs" {
            base = packageRoot + "/.build-ref"
            try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        }
        var template = Array("\(base)/swdd-ref.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed in \(base)")
        let root = String(cString: made!)
        makeFixtures(in: root)
        // Remove everything at exit unless a case failed (its directory is named in the failure).
        atexit {
            let keep = DDReference.anyFailure.withLock { $0 }
                || ProcessInfo.processInfo.environment["REF_KEEP"] == "1"
            if !keep { try? FileManager.default.removeItem(atPath: DDReference.scratchRoot) }
        }
        return root
    }()

    /// The type of the filesystem holding `path` (the longest matching mount point in /proc/mounts).
    static func filesystemType(of path: String) -> String? {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return nil }
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count > 2 else { continue }
            let point = fields[1]
            let covers = path == point || point == "/" || path.hasPrefix(point + "/")
            if covers, point.count >= (best?.point.count ?? -1) { best = (point, fields[2]) }
        }
        return best?.type
    }

    /// Two pools the setup scripts cut fixtures from, so every run sees the same bytes:
    /// `pool.bin` (8 MiB of xorshift bytes) and `text.txt` (mixed-case words and lines of
    /// 0–120 characters, some longer than any cbs the cases use).
    private static func makeFixtures(in root: String) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        var pool = [UInt8](repeating: 0, count: 8 << 20)
        for i in stride(from: 0, to: pool.count, by: 8) {
            var word = next()
            for j in 0..<8 { pool[i + j] = UInt8(truncatingIfNeeded: word); word >>= 8 }
        }
        _ = FileManager.default.createFile(atPath: root + "/pool.bin", contents: Data(pool))

        let words = ["alpha", "Bravo", "CHARLIE", "delta", "Echo", "foxtrot", "GOLF", "hotel",
                     "India", "juliett", "KILO", "lima", "Mike", "november", "OSCAR", "papa",
                     "{quebec}", "[romeo]", "sierra!", "tango~", "^uniform|", "victor\\", "x-ray",
                     "\tyankee", "zulu", "0123", "4567", "89"]
        var text = ""
        while text.utf8.count < 256 << 10 {
            let lineWords = Int(next() % 18)
            var line = ""
            for k in 0..<lineWords {
                if k > 0 { line += " " }
                line += words[Int(next() % UInt64(words.count))]
            }
            text += line + "\n"
        }
        _ = FileManager.default.createFile(atPath: root + "/text.txt", contents: Data(text.utf8))
    }

    /// Shell functions every script can use.
    static let prelude = #"""
    rnd() { tail -c +$(( ${2:-0} + 1 )) "$REF_POOL" | head -c "$1"; }
    txt() { tail -c +$(( ${2:-0} + 1 )) "$REF_TEXT" | head -c "$1"; }
    zeros() { head -c "$1" /dev/zero; }
    slow() { _f=1; for _c in "$@"; do [ $_f = 1 ] || sleep "${PAUSE:-0.25}"; _f=0; printf '%b' "$_c"; done; }

    """#

    // MARK: Running

    /// Runs `c` with GNU dd and with the binary under test and records every difference as an
    /// expectation failure.
    static func compare(_ c: DDCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if c.needsRoot && !isRoot {
            print("SKIP \(c.testDescription): needs root to mount a tmpfs")
            try Test.cancel("needs root to mount a tmpfs", sourceLocation: sourceLocation)
        }
        var caseDir = try prepare(c, sourceLocation: sourceLocation)
        var gnu = try run(c, binary: gnuDD, side: "gnu", caseDir: caseDir)
        var ours = try run(c, binary: binaryUnderTest, side: "swdd", caseDir: caseDir)
        if ProcessInfo.processInfo.environment["REF_VERBOSE"] == "1" {
            print("── \(c.testDescription): exit \(gnu.status)\n\(gnu.stderr)", terminator: "")
        }
        var differences = differences(gnu: gnu, swdd: ours, comparison: c.stderrComparison)
        if !differences.isEmpty && c.command.contains("slow ") {
            // `slow`'s 0.25 s pauses order the reads; a machine loaded by the other suites can
            // stall either dd past one, so that two chunks arrive as one read. Once more with 1 s
            // pauses, both sides again, before a difference counts.
            try? FileManager.default.removeItem(atPath: caseDir)
            var slower = c
            slower.command = "PAUSE=1; export PAUSE; " + c.command
            caseDir = try prepare(slower, sourceLocation: sourceLocation)
            gnu = try run(slower, binary: gnuDD, side: "gnu", caseDir: caseDir)
            ours = try run(slower, binary: binaryUnderTest, side: "swdd", caseDir: caseDir)
            differences = Self.differences(gnu: gnu, swdd: ours, comparison: c.stderrComparison)
        }
        if !differences.isEmpty { anyFailure.withLock { $0 = true } }
        for difference in differences {
            Issue.record("\(difference)\n  case dir: \(caseDir)\n  command: \(c.command)",
                         sourceLocation: sourceLocation)
        }
        if differences.isEmpty, ProcessInfo.processInfo.environment["REF_KEEP"] != "1" {
            try? FileManager.default.removeItem(atPath: caseDir)
        }
    }

    /// Makes the case's directory and runs its setup in `base`; returns the case directory.
    static func prepare(_ c: DDCase, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let caseDir = try makeCaseDirectory(c)
        if !c.setup.isEmpty {
            let setup = shell(c.setup, in: caseDir + "/base", locale: c.locale)
            try #require(setup.status == 0, "setup failed (\(setup.status)): \(setup.stderr)",
                         sourceLocation: sourceLocation)
        }
        return caseDir
    }

    static func makeCaseDirectory(_ c: DDCase) throws -> String {
        let safe = String(c.testDescription.map { $0.isLetter || $0.isNumber ? $0 : "_" }.prefix(60))
        var template = Array("\(scratchRoot)/\(safe).XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let dir = String(cString: try #require(made, "mkdtemp failed"))
        try FileManager.default.createDirectory(atPath: dir + "/base", withIntermediateDirectories: true)
        return dir
    }

    /// One side of a case: copy the fixtures, put `dd` (and `swdd`) on PATH, attach loop devices,
    /// run command, check and cleanup, collect the files.
    static func run(_ c: DDCase, binary: String, side: String, caseDir: String) throws -> RunOutcome {
        let work = caseDir + "/" + side
        let bin = caseDir + "/bin-" + side
        let copy = shell("mkdir -p '\(work)' '\(bin)' && cp -a ./. '\(work)/' "
                         + "&& ln -s '\(binary)' '\(bin)/dd' && ln -s '\(binary)' '\(bin)/swdd'",
                         in: caseDir + "/base")
        try #require(copy.status == 0, "preparing \(side) failed: \(copy.stderr)")

        var attached: [String] = []
        defer {
            for device in attached { _ = shell("losetup -d '\(device)'", in: caseDir) }
        }
        for loop in c.loops {
            let sector = loop.sectorSize.map { " --sector-size \($0)" } ?? ""
            let attach = shell("losetup -f --show\(sector) '\(loop.image)'", in: work)
            try #require(attach.status == 0, "losetup failed: \(attach.stderr)")
            let device = String(decoding: attach.stdout, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            attached.append(device)
            try FileManager.default.createSymbolicLink(atPath: work + "/" + loop.link,
                                                       withDestinationPath: device)
        }

        let main = shell(c.command, in: work, locale: c.locale, path: bin, timeout: c.timeout)
        let check = c.check.isEmpty ? nil : shell(c.check, in: work, locale: c.locale, path: bin)
        var files: [String: [UInt8]] = [:]
        if !c.cleanup.isEmpty { _ = shell(c.cleanup, in: work, locale: c.locale, path: bin) }
        // Flush the device's page cache into its file before reading the images back: a detach
        // alone flushes only when nothing else has the device open, and other suites running at
        // the same time may (probing every block device), which then left the file stale.
        for device in attached { _ = shell("blockdev --flushbufs '\(device)'; losetup -d '\(device)'", in: caseDir) }
        attached.removeAll()
        files = collectFiles(in: work)
        var checkText = ""
        if let check {
            checkText = String(decoding: check.stdout, as: UTF8.self)
            if check.status != 0 { checkText += "[check exited \(check.status): \(check.stderr)]" }
        }
        return RunOutcome(status: main.status, timedOut: main.timedOut, stdout: main.stdout,
                          stderr: main.stderr, check: checkText, files: files, directory: work)
    }

    /// Every regular file under `root` (relative path → bytes); symlinks and devices are skipped.
    static func collectFiles(in root: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return files }
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            files[relative] = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        }
        return files
    }

    // MARK: Comparing

    static func differences(gnu: RunOutcome, swdd: RunOutcome, comparison: StderrComparison) -> [String] {
        var out: [String] = []
        if swdd.timedOut { out.append("swdd timed out (killed)") }
        if gnu.timedOut { out.append("GNU dd timed out (killed): the case itself is broken") }
        if gnu.status != swdd.status {
            out.append("exit status: GNU \(gnu.status), swdd \(swdd.status)")
        }
        let gnuErr = normalise(gnu.stderr, comparison)
        let ourErr = normalise(swdd.stderr, comparison)
        if gnuErr != ourErr {
            out.append("stderr differs:\n--- GNU\n\(gnuErr)--- swdd\n\(ourErr)---")
        }
        if let d = byteDifference(gnu.stdout, swdd.stdout) { out.append("stdout: \(d)") }
        if gnu.check != swdd.check {
            out.append("check output: GNU \(gnu.check.debugDescription), swdd \(swdd.check.debugDescription)")
        }
        for name in Set(gnu.files.keys).union(swdd.files.keys).sorted() {
            switch (gnu.files[name], swdd.files[name]) {
            case let (g?, s?):
                if let d = byteDifference(g, s) { out.append("file \(name): \(d)") }
            case (_?, nil): out.append("file \(name): made by GNU dd, missing after swdd")
            case (nil, _?): out.append("file \(name): made by swdd, not by GNU dd")
            case (nil, nil): break
            }
        }
        return out
    }

    /// nil when equal, else where they first differ.
    static func byteDifference(_ a: [UInt8], _ b: [UInt8]) -> String? {
        if a == b { return nil }
        let common = min(a.count, b.count)
        var i = 0
        while i < common, a[i] == b[i] { i += 1 }
        if i == common { return "sizes differ: GNU \(a.count) bytes, swdd \(b.count) bytes (equal up to there)" }
        return "first difference at byte \(i) (GNU 0x\(String(a[i], radix: 16)), swdd 0x\(String(b[i], radix: 16))); sizes GNU \(a.count), swdd \(b.count)"
    }

    /// Replaces the time and rate of summary lines (`…copied, 0.00012 s, 4.3 MB/s`) with fixed
    /// tokens; `.finalSummary` and `.shape` reduce further, as described on `StderrComparison`.
    static func normalise(_ text: String, _ comparison: StderrComparison) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }
        lines = lines.map(normaliseSummaryTime)
        switch comparison {
        case .exact:
            break
        case .finalSummary:
            // Progress lines end in "\r"; the final summary is the last three lines.
            lines = lines.map { line in
                line.split(separator: "\r", omittingEmptySubsequences: false).last.map(String.init) ?? line
            }.filter { !$0.isEmpty }
            lines = Array(lines.suffix(3))
        case .shape:
            lines = lines.map(shapeOfLine)
        }
        return lines.joined(separator: "\n") + (endsWithNewline || comparison == .finalSummary ? "\n" : "")
    }

    static func normaliseSummaryTime(_ line: String) -> String {
        guard let copied = line.range(of: " copied, ", options: .backwards) else { return line }
        let rest = line[copied.upperBound...]
        guard let seconds = rest.range(of: " s, ") else { return line }
        let time = rest[..<seconds.lowerBound]
        guard !time.isEmpty, time.allSatisfy({ $0.isNumber || ".e+-".contains($0) }) else { return line }
        return line[..<copied.upperBound] + "<T> s, <RATE>"
    }

    static func shapeOfLine(_ line: String) -> String {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[1] == "records in" || parts[1] == "records out",
           parts[0].contains("+"), parts[0].allSatisfy({ $0.isNumber || $0 == "+" }) {
            return "N+N " + parts[1]
        }
        if line.contains(" copied, "), let first = parts.first, first.allSatisfy(\.isNumber) {
            return "N bytes copied, <T> s, <RATE>"
        }
        return line
    }

    // MARK: Processes

    struct ShellResult {
        var status: Int32
        var timedOut: Bool
        var stdout: [UInt8]
        var stderr: String
    }

    /// Runs `/bin/sh -c script` in `directory` with a small fixed environment, stdin from
    /// /dev/null, stdout and stderr to files, default signal dispositions and an empty signal
    /// mask (the test runner's must not leak into dd), in its own process group so a hung case
    /// can be killed whole.
    static func shell(_ script: String, in directory: String, create: Bool = false,
                      locale: String = "C", path: String? = nil, timeout: Double = 60) -> ShellResult {
        if create {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let capture = directory + "/../.capture-\(UInt32.random(in: 0...UInt32.max))"
        let outPath = capture + ".out", errPath = capture + ".err"
        defer { unlink(outPath); unlink(errPath) }

        let searchPath = (path.map { $0 + ":" } ?? "") + "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        let environment = [
            "PATH=\(searchPath)", "LC_ALL=\(locale)", "HOME=\(directory)", "TZ=UTC",
            "REF_POOL=\(scratchRoot)/pool.bin", "REF_TEXT=\(scratchRoot)/text.txt",
        ]
        let fullScript = "cd '\(directory)' || exit 99\n" + prelude + script

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigemptyset(&allSignals)
        for signal in Int32(1)..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&allSignals, signal) }
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let arguments: [String] = ["/bin/sh", "-c", fullScript]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) }
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv + [nil], envp + [nil])
        guard spawned == 0 else {
            return ShellResult(status: -1, timedOut: false, stdout: [],
                               stderr: "posix_spawn failed: \(String(cString: strerror(spawned)))")
        }

        // Poll rather than block, so a hung case is killed (with its whole process group).
        var status: Int32 = 0
        var timedOut = false
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            if Date() > deadline {
                timedOut = true
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(2000)
        }
        // The shell's own status: exit code, or 128+signal as a shell reports a killed child.
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let stdout = FileManager.default.contents(atPath: outPath).map { [UInt8]($0) } ?? []
        let stderr = FileManager.default.contents(atPath: errPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ShellResult(status: exitCode, timedOut: timedOut, stdout: stdout, stderr: stderr)
    }
}
