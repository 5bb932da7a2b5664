#if canImport(Glibc)
import Glibc
#endif
import SwddSystem

/// A failure that ends dd before or outside the copy: the message (without the program name)
/// and whether the statistics are printed after it, as GNU's `quit` does and `die` does not.
struct DDFatalError: Error {
    var message: String
    var printsStatistics: Bool
    /// GNU's dd_copy returns here instead of quitting (a failed write of its one buffer, or of the
    /// last short block): main still syncs the output and drops the cache before the statistics.
    var returnsFromCopy = false
    /// O_DIRECT was dropped for a short write: GNU fsyncs the output (conversions_mask |= C_FSYNC).
    var forcesSync = false
}

/// One side of the copy: the descriptor, the name GNU uses in messages (nil = standard
/// input/output) and what it refers to.
struct DDEndpoint {
    var descriptor: FileDescriptor
    var name: String?
    var status: FileStatus
}

/// Opening input and output the way GNU dd 9.1 does: same flags, same truncation rules, same
/// messages. swdd's safety rule for busy block devices is the CLI's (`TargetSafety`), applied
/// before the copy starts.
enum DDEndpoints {
    static func openFlags(_ flags: DDFlags) -> OpenFlags {
        var result: OpenFlags = []
        if flags.contains(.append) { result.insert(.append) }
        if flags.contains(.direct) { result.insert(.direct) }
        if flags.contains(.directory) { result.insert(.directory) }
        if flags.contains(.dsync) { result.insert(.dataSync) }
        if flags.contains(.sync) { result.insert(.sync) }
        if flags.contains(.nonblock) { result.insert(.nonBlocking) }
        if flags.contains(.noatime) { result.insert(.noAccessTime) }
        if flags.contains(.noctty) { result.insert(.noControllingTerminal) }
        if flags.contains(.nofollow) { result.insert(.noFollow) }
        return result
    }

    static func openInput(_ settings: DDSettings, locale: QuotingLocale) throws(DDFatalError) -> DDEndpoint {
        var flags = openFlags(settings.inputFlags)
        if flags.contains(.dataSync) || flags.contains(.sync) { flags.insert(.readSync) }
        let descriptor: FileDescriptor
        if let path = settings.inputPath {
            do {
                descriptor = try FileDescriptor.open(path, flags: flags)
            } catch {
                throw DDFatalError(message: DDMessages.failedToOpen(path, reason: error.reason, locale: locale), printsStatistics: false)
            }
        } else {
            descriptor = .standardInput
            try addFlags(flags, to: descriptor, name: nil, isInput: true, locale: locale)
        }
        let st = try status(of: descriptor, name: settings.inputPath, isInput: true, locale: locale)
        return DDEndpoint(descriptor: descriptor, name: settings.inputPath, status: st)
    }

    /// Opens `of=` with exactly GNU dd's flags. Busy block devices are refused, and the output
    /// claimed, by the CLI before the copy (`TargetSafety`): policy is not the copier's.
    static func openOutput(_ settings: DDSettings, locale: QuotingLocale) throws(DDFatalError) -> DDEndpoint {
        let flags = openFlags(settings.outputFlags)
        guard let path = settings.outputPath else {
            let descriptor = FileDescriptor.standardOutput
            try addFlags(flags, to: descriptor, name: nil, isInput: false, locale: locale)
            let st = try status(of: descriptor, name: nil, isInput: false, locale: locale)
            return DDEndpoint(descriptor: descriptor, name: nil, status: st)
        }
        let conversions = settings.conversions
        var options = flags
        if !conversions.contains(.nocreat) { options.insert(.create) }
        if conversions.contains(.excl) { options.insert(.exclusive) }
        // GNU truncates at open unless seek= keeps a prefix (then it ftruncates below) or notrunc.
        if settings.seekRecords == 0 && !conversions.contains(.notrunc) { options.insert(.truncate) }

        let descriptor: FileDescriptor
        do {
            descriptor = try openOutputDescriptor(path, options: options, wantsRead: settings.seekRecords != 0)
        } catch {
            throw DDFatalError(message: DDMessages.failedToOpen(path, reason: error.reason, locale: locale), printsStatistics: false)
        }
        let st = try status(of: descriptor, name: path, isInput: false, locale: locale)

        if settings.seekRecords != 0 && !conversions.contains(.notrunc) {
            guard let size = settings.seekOffset else {
                throw DDFatalError(message: DDMessages.offsetTooLarge(seekRecords: settings.seekRecords, outputBlockSize: settings.outputBlockSize),
                                   printsStatistics: false)
            }
            do {
                try descriptor.truncate(to: size)
            } catch {
                // POSIX defines ftruncate only for these; devices may refuse it harmlessly.
                if st.kind == .regular || st.kind == .directory {
                    throw DDFatalError(message: DDMessages.failedToTruncate(size: size, path: path, reason: error.reason, locale: locale),
                                       printsStatistics: false)
                }
            }
        }
        return DDEndpoint(descriptor: descriptor, name: path, status: st)
    }

    /// GNU opens with read access too when seek= may need to read past existing data, falling
    /// back to write-only when that is refused.
    private static func openOutputDescriptor(_ path: String, options: OpenFlags, wantsRead: Bool) throws(SystemError) -> FileDescriptor {
        if wantsRead, let fd = try? FileDescriptor.open(path, flags: options.union(.readWrite), mode: 0o666) {
            return fd
        }
        return try FileDescriptor.open(path, flags: options.union(.writeOnly), mode: 0o666)
    }

    private static func status(of descriptor: FileDescriptor, name: String?, isInput: Bool, locale: QuotingLocale) throws(DDFatalError) -> FileStatus {
        do {
            return try descriptor.status()
        } catch {
            // GNU does not fstat a standard stream it was given: a closed one fails where it is
            // read or written, and again where it is closed. An unknown kind takes no fast path.
            if name == nil && error.code == .badFileDescriptor { return FileStatus(stat()) }
            throw DDFatalError(message: DDMessages.cannotFstat(name, isInput: isInput, reason: error.reason, locale: locale), printsStatistics: false)
        }
    }

    /// GNU's set_fd_flags, for standard input/output given without if=/of=.
    private static func addFlags(_ flags: OpenFlags, to descriptor: FileDescriptor, name: String?, isInput: Bool, locale: QuotingLocale) throws(DDFatalError) {
        let wanted = flags.subtracting([.noControllingTerminal, .noFollow])
        guard !wanted.isEmpty else { return }
        do throws(SystemError) {
            let old = try descriptor.statusFlags()
            var new = old.union(wanted)
            guard new != old else { return }
            if new.contains(.directory) {
                if (try descriptor.status()).kind != .directory { throw SystemError("fcntl", code: .notDirectory) }
                new.remove(.directory)
            }
            if new != old { try descriptor.setStatusFlags(new) }
        } catch {
            throw DDFatalError(message: DDMessages.settingFlags(name, isInput: isInput, reason: error.reason, locale: locale), printsStatistics: false)
        }
    }
}
