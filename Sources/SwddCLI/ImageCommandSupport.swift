#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import SwddEngine
import SwddBackup
import SwddImage
import SwddRemote
import SwddSystem

/// What `image`, `restore` and `verify` share: one-line errors, the exit statuses of the
/// command-line vocabulary, the progress line, and clean-up on signals.
enum ImageCommandSupport {
    /// Exit statuses shared by every subcommand.
    static let failed: Int32 = 1
    static let damaged: Int32 = 4
    /// Done, but some source data could not be read (`--keep-going`).
    static let partlyUnreadable: Int32 = 3

    /// `12 KiB in 3 ranges, the first at byte 40960`.
    static func unreadableSummary(_ ranges: [(offset: Int64, length: Int64)]) -> String {
        let bytes = ranges.reduce(Int64(0)) { $0 + $1.length }
        let first = ranges.first.map { ", the first at byte \($0.offset)" } ?? ""
        return "\(ProgressLine.binarySize(bytes)) in \(ranges.count) range\(ranges.count == 1 ? "" : "s")\(first)"
    }

    static func complain(_ message: String) {
        FileDescriptor.standardError.writeAll("swdd: \(message)\n")
    }

    /// The status for an image that cannot be used: damage is 4 (verification found it),
    /// anything else 1.
    static func status(for error: ImageFormatError) -> Int32 {
        switch error {
        case .truncated, .damaged, .brokenChain: damaged
        case .notAnImage, .unsupportedVersion, .needsKey, .wrongKey: failed
        }
    }

    /// The exit status a run ending with `error` has: 4 when it found damage or a mismatch.
    static func exitStatus(for error: any Error) -> Int32 {
        switch error {
        case let error as ImageFormatError: status(for: error)
        case is BmapRangeMismatch, is TargetMismatch: damaged
        default: failed
        }
    }

    /// The text of any error a run can end with.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as ImageFormatError: error.reason
        case let error as SystemError: error.description
        case let error as SourceEndedEarly: "it ended at byte \(error.offset), before the image's size"
        case let error as SourceReadError: "read error at byte \(error.offset): \(error.error.reason)"
        case let error as FreezeError: SourceFreeze.reason(error)
        case let error as ParsedBmap.Invalid: "its bmap: \(error.reason)"
        case let error as SshSession.Failure: error.message
        case let error as Rclone.Failure: error.message
        case let error as ObjectExists: "'\(error.name)' already exists"
        case let error as BackupRepository.Problem: error.message
        case let error as DecompressorFailed: error.reason
        case let error as BmapRangeMismatch: "bytes \(error.range.lowerBound)..<\(error.range.upperBound) do not match their checksum in the bmap"
        case let error as TargetMismatch: "it differs from the image at block \(error.block) (byte \(error.offset))"
        case let error as ChunkPool.AllocationError:
            if case .outOfMemory(let bytes) = error { "out of memory for buffers of \(bytes) bytes" } else { "out of memory" }
        default: "\(error)"
        }
    }

    /// Blocks SIGINT, SIGTERM and SIGHUP before any thread starts, and has a watcher thread run
    /// `cleanUp` (remove a partial file, erase the progress line) and die by the same signal.
    static func onSignal(_ cleanUp: @escaping @Sendable () -> Void) {
        let signals = [SIGINT, SIGTERM, SIGHUP].filter { !SignalWatcher.isIgnored($0) }
        SignalWatcher.block(signals)
        SignalWatcher.start(signals) { signal in
            cleanUp()
            SignalWatcher.terminate(with: signal)
        }
    }

    /// The engine's progress line four times a second, on a terminal only (cron gets the final
    /// line alone); nil when quiet or not on a terminal.
    static func startProgress(_ line: StatusLine, counters: TransferCounters, total: Int64?, quiet: Bool) -> ProgressTicker? {
        guard !quiet, FileDescriptor.standardError.isTerminal else { return nil }
        let start = MonotonicClock.now()
        return ProgressTicker.start(interval: 250_000_000) {
            line.show(ProgressLine.text(done: counters.bytesDone, total: total, elapsedNanoseconds: MonotonicClock.now() - start))
        }
    }

    /// `1.00 s (1.1 GB/s)`.
    static func timeAndRate(bytes: Int64, nanoseconds: UInt64) -> String {
        let seconds = Double(nanoseconds) / 1e9
        let hundredths = Int((seconds * 100).rounded())
        let rate = seconds > 0 ? Double(bytes) / seconds : 0
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) s (\(ProgressLine.decimalRate(rate)))"
    }

    /// Reads `target` back and compares every block with `metadata`'s digests, bypassing the page
    /// cache: `O_DIRECT` on a block device, the file's cached pages dropped first otherwise.
    static func compare(_ metadata: ImageMetadata, target: String, threads: Int, counters: TransferCounters) throws {
        let status = try FileStatus.of(path: target)
        if status.kind == .blockDevice {
            let plain = try FileDescriptor.open(target, flags: [.readOnly, .closeOnExec])
            let geometry = try? BlockDeviceGeometry.of(plain)
            try? plain.close()
            let sector = geometry?.logicalSectorSize ?? 512
            if let geometry, Int64(geometry.size) < metadata.sourceSize {
                throw SourceEndedEarly(path: target, offset: Int64(geometry.size))
            }
            let direct = try FileDescriptor.open(target, flags: [.readOnly, .direct, .closeOnExec])
            defer { try? direct.close() }
            try ImageRestorer.compare(metadata, target: direct, isRegularFile: false, readAlignment: sector, threads: threads, counters: counters)
        } else {
            if status.kind == .regular && status.size < metadata.sourceSize {
                throw SourceEndedEarly(path: target, offset: status.size)
            }
            let file = try FileDescriptor.open(target, flags: [.readOnly, .closeOnExec])
            defer { try? file.close() }
            file.dropCache(offset: 0, length: 0)
            try ImageRestorer.compare(metadata, target: file, isRegularFile: status.kind == .regular, threads: threads, counters: counters)
        }
    }

    /// What `swdd image` and dd mode's `compress=` read: a regular file or block device from
    /// `skip` for `count` bytes (to its end when nil), or a stream (nil path: standard input) whole.
    /// Returns the input, its size when known, and its logical sector size.
    static func openImageSource(_ path: String?, skip: Int64 = 0, count: Int64? = nil) throws -> (ImageInput, Int64?, Int) {
        let descriptor = try path.map { try FileDescriptor.open($0, flags: [.readOnly, .closeOnExec]) } ?? .standardInput
        let status = try descriptor.status()
        switch status.kind {
        case .regular, .blockDevice:
            var size = status.size
            var sector = 512
            if status.kind == .blockDevice {
                let geometry = try BlockDeviceGeometry.of(descriptor)
                size = Int64(geometry.size)
                sector = geometry.logicalSectorSize
            } else {
                descriptor.adviseSequential()
            }
            let lower = min(skip, size)
            let upper = count.map { min(size, lower + $0) } ?? size
            return (.range(descriptor, lower..<upper, isRegularFile: status.kind == .regular), upper - lower, sector)
        case .directory:
            throw SystemError("open", path: path, code: .isDirectory)
        default:
            guard skip == 0 && count == nil else {
                throw SystemError("compress= reads a pipe whole: skip= and count=", code: .invalidArgument)
            }
            return (.stream(descriptor), nil, 512)
        }
    }

    /// Whether `path` would be a new regular file in the devtmpfs `/dev` (a mistyped device name).
    static func isNewFileInDevtmpfs(_ path: String) -> Bool {
        guard !FileSystemPath.exists(path) else { return false }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return MountTable.current().isOnDevtmpfs(directory.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : directory)
    }
}
