import SwddSystem

/// swdd's one safety rule beyond GNU dd, shared by every front end: a block device that is
/// mounted (itself or one of its partitions), active swap, or held exclusively by another process
/// is not written unless the user forces it, and the refusal is worded the same everywhere.
///
/// The mount table is asked first because it can say why; the kernel's `O_EXCL` claim then
/// catches what no table shows (RAID and device-mapper members, other claimants) and, held while
/// writing, keeps anyone from mounting the device meanwhile. The mechanism is SwddSystem's
/// (`MountTable`, `BlockDeviceClaim`); the writers below the CLI write what they are given.
enum TargetSafety {
    /// Which command line asks, for the override the refusal names.
    enum FrontEnd: Sendable, Equatable {
        /// dd mode: the operand `force=yes` overrides.
        case ddMode
        /// `swdd bench --write`: no override. Its write tests overwrite the region with test data,
        /// which on a device in use only destroys what uses it and measures nothing worth that.
        case bench
        /// `restore` and the other subcommands that write devices: `--force` overrides.
        case subcommand

        var override: String? {
            switch self {
            case .ddMode: "force=yes"
            case .bench: nil
            case .subcommand: "--force"
            }
        }
    }

    enum Reason: Sendable, Equatable {
        /// The mount table's answer: mounted, or swap.
        case inUse(MountTable.Usage)
        /// The `O_EXCL` claim failed with EBUSY.
        case heldByAnotherProcess
    }

    struct Refusal: Error, Equatable {
        /// The device as the user named it; nil for standard output.
        var device: String?
        var reason: Reason
        var frontEnd: FrontEnd

        /// One line without the program name: the device, why, and the front end's override.
        var message: String {
            let why = switch reason {
            case .inUse(.mounted(let mountPoint)): "mounted on \(mountPoint)"
            case .inUse(.swap): "in use as swap"
            case .heldByAnotherProcess: "in use by another process"
            }
            let override = frontEnd.override.map { " (use \($0) to override)" } ?? ""
            return "refusing to write to block device '\(device ?? "standard output")': \(why)\(override)"
        }
    }

    /// Standard output reopened by path, so that it is looked up and claimed like a named device.
    static let standardOutputPath = "/proc/self/fd/1"

    /// The mount table's half of the rule, decided from values: `status` is `device`'s.
    static func check(_ device: String?, status: FileStatus, mounts: MountTable, frontEnd: FrontEnd) -> Refusal? {
        guard status.kind == .blockDevice,
              let usage = mounts.usage(ofDeviceMajor: status.representedMajor, minor: status.representedMinor,
                                       path: device ?? standardOutputPath)
        else { return nil }
        return Refusal(device: device, reason: .inUse(usage), frontEnd: frontEnd)
    }

    /// The whole rule, before writing `device` (nil: standard output). Returns the claim to hold
    /// until the writing ends, or nil when there is nothing to claim: not a block device, forced,
    /// or the claim failed for a reason other than EBUSY, which the writer's own open will meet
    /// and report in its front end's words (GNU dd's, in dd mode).
    static func claimForWriting(_ device: String?, force: Bool, frontEnd: FrontEnd,
                                mounts: () -> MountTable = { MountTable.current() }) throws(Refusal) -> BlockDeviceClaim? {
        guard !force else { return nil }
        let status = if let device { try? FileStatus.of(path: device) } else { try? FileDescriptor.standardOutput.status() }
        guard let status, status.kind == .blockDevice else { return nil }
        if let refusal = check(device, status: status, mounts: mounts(), frontEnd: frontEnd) { throw refusal }
        switch BlockDeviceClaim.claim(device ?? standardOutputPath) {
        case .claimed(let claim): return claim
        case .busy: throw Refusal(device: device, reason: .heldByAnotherProcess, frontEnd: frontEnd)
        case .failed: return nil
        }
    }
}
