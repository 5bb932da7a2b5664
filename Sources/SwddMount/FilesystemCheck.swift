import SwddSystem

/// A filesystem's own checker run on a file of an overlay mount (`verify --fsck`): asked to
/// change nothing (`-n`), on a view whose writes would only reach the overlay anyway. An ext
/// filesystem imaged while mounted has a journal to replay first; e2fsck replays it into the
/// overlay (`-E journal_only`), which the image never sees, and the check runs on the result.
public struct FilesystemCheck: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case clean
        /// The checker's exit status and the first lines of what it printed.
        case errorsFound(status: Int32, firstLines: [String])
        /// Nothing to run: the type has no checker here (the reason says which and why).
        case noChecker(String)
    }

    /// The file checked (`p1`, or `disk` for a filesystem on the whole disk).
    public var file: String
    /// libblkid's type, nil when it found none.
    public var type: String?
    /// The command run, with the file's name for its path; empty when none was.
    public var command: String
    public var journalReplayed: Bool
    public var outcome: Outcome

    /// How many lines of a failing checker's output are reported.
    public static let reportedLines = 8

    /// Checks `path` (shown as `file`) holding a filesystem of libblkid type `type`.
    public static func run(_ path: String, file: String, type: String?) -> FilesystemCheck {
        var check = FilesystemCheck(file: file, type: type, command: "", journalReplayed: false, outcome: .noChecker("no filesystem found"))
        guard let type else { return check }
        guard let checker = checker(for: type) else {
            check.outcome = .noChecker("no checker for \(type)")
            return check
        }
        guard CommandOutput.isInstalled(checker[0]) else {
            check.outcome = .noChecker("\(checker[0]) is not installed")
            return check
        }
        if type.hasPrefix("ext"), journalNeedsReplay(path) {
            // Exit 0–2: the journal was replayed (1 and 2 say the filesystem was changed, as intended).
            if let replay = try? CommandOutput.run("e2fsck", arguments: ["e2fsck", "-E", "journal_only", "-y", path]), replay.status <= 2 {
                check.journalReplayed = true
            }
        }
        check.command = (checker + [file]).joined(separator: " ")
        do {
            let result = try CommandOutput.run(checker[0], arguments: checker + [path])
            check.outcome = result.status == 0 ? .clean
                : .errorsFound(status: result.status, firstLines: Array(result.text.split(separator: "\n", omittingEmptySubsequences: true)
                    .prefix(reportedLines).map(String.init)))
        } catch {
            check.outcome = .noChecker("cannot run \(checker[0]): \(error.reason)")
        }
        return check
    }

    /// The read-only check for a libblkid type (the file's path follows), nil when there is none.
    public static func checker(for type: String) -> [String]? {
        switch type {
        case "ext2", "ext3", "ext4": ["e2fsck", "-n", "-f"]
        case "vfat": ["fsck.vfat", "-n"]
        case "exfat": ["fsck.exfat", "-n"]
        // -f: the filesystem is in a file.
        case "xfs": ["xfs_repair", "-n", "-f"]
        default: nil
        }
    }

    /// Whether an ext3/ext4 superblock says its journal holds transactions not yet applied
    /// (EXT3_FEATURE_INCOMPAT_RECOVER, 0x4, in s_feature_incompat at byte 0x60 of the
    /// superblock, which starts at byte 1024; magic 0xEF53 at byte 0x38).
    public static func journalNeedsReplay(_ path: String) -> Bool {
        guard let file = try? FileDescriptor.open(path, flags: [.readOnly, .closeOnExec]) else { return false }
        defer { try? file.close() }
        var superblock = [UInt8](repeating: 0, count: 1024)
        guard let got = try? superblock.withUnsafeMutableBytes({ try file.readAll(fromAbsoluteOffset: 1024, into: $0) }), got == 1024 else { return false }
        let magic = UInt16(superblock[0x38]) | UInt16(superblock[0x39]) << 8
        let incompatible = UInt32(superblock[0x60]) | UInt32(superblock[0x61]) << 8 | UInt32(superblock[0x62]) << 16 | UInt32(superblock[0x63]) << 24
        return magic == 0xEF53 && incompatible & 0x4 != 0
    }
}
