import SwddDD
import SwddSystem

/// dd mode: GNU dd's command line, parsed by hand (`DDCommandLine`) so messages and exit
/// codes match it, then run on the engine (`DDCopy`).
enum DDMode {
    static func run(_ arguments: [String], program: String) -> Never {
        // GNU dd is one thread with one buffer of bs; swdd must fit where it fits (ulimit -v):
        // one malloc arena, not one per thread.
        MallocArenas.limit(to: 1)
        DDCopy.blockSignalsEarly()
        // GNU dd's exit: lost --help/--version text is "write error", lost messages exit 1.
        StandardStreams.checkAtExit(program: program)
        let locale = QuotingLocale.adoptEnvironmentLocale()
        let invocation: DDInvocation
        do {
            invocation = try DDCommandLine.parse(arguments, locale: locale, posixlyCorrect: ProcessEnvironment.value(of: "POSIXLY_CORRECT") != nil)
        } catch {
            for warning in error.warnings { writeStandardError("\(program): \(warning)\n") }
            writeStandardError("\(program): \(error.message)\n")
            if error.tryHelp { writeStandardError(DDUsageError.tryHelpLine(program: program) + "\n") }
            ProcessEnvironment.exit(status: 1)
        }
        switch invocation {
        case .help:
            // `swdd --help if=x` as well as `swdd --help`: swdd's help; a `dd` symlink's is GNU's.
            writeStandardOutput(SwddCommandLine.invokedAsDD(program) ? DDHelp.text(programName: program) : SwddHelp.text(program: program))
            ProcessEnvironment.exit(status: 0)
        case .version:
            writeStandardOutput(DDHelp.versionText(version: SwddVersion.string))
            ProcessEnvironment.exit(status: 0)
        case .copy(let settings, let warnings):
            for warning in warnings { writeStandardError("\(program): \(warning)\n") }
            // Safety beyond dd: a mistyped device name (of=/dev/sdx1) would create a regular file
            // in the devtmpfs /dev, in memory, and the user would believe the disk written.
            if let path = settings.outputPath, !settings.force, ImageCommandSupport.isNewFileInDevtmpfs(path) {
                writeStandardError("\(program): refusing to create '\(path)': there is no such device, and /dev holds devices (use force=yes to create a file there)\n")
                ProcessEnvironment.exit(status: 1)
            }
            if let level = settings.compressionLevel {
                ProcessEnvironment.exit(status: DDCompressMode.run(settings, level: level, program: program))
            }
            let claim: BlockDeviceClaim?
            do {
                claim = try outputClaim(settings)
            } catch {
                writeStandardError("\(program): \(error.message)\n")
                ProcessEnvironment.exit(status: 1)
            }
            // The claim is held for the whole copy, so the device cannot be mounted meanwhile;
            // DDCopy itself checks nothing (TargetSafety did) and opens the output as GNU dd does.
            let status = DDCopy.run(settings, program: program, locale: locale)
            claim?.release()
            ProcessEnvironment.exit(status: status)
        }
    }

    /// Safety beyond dd: the output, when a block device, goes through `TargetSafety` and
    /// `force=yes` overrides it. Not with `conv=excl` on a named output: the open then fails on
    /// any existing path, and GNU dd's own message for that ("File exists") should stay.
    private static func outputClaim(_ settings: DDSettings) throws(TargetSafety.Refusal) -> BlockDeviceClaim? {
        if settings.outputPath != nil && settings.conversions.contains(.excl) { return nil }
        return try TargetSafety.claimForWriting(settings.outputPath, force: settings.force, frontEnd: .ddMode)
    }
}

func writeStandardOutput(_ text: String) { FileDescriptor.standardOutput.writeAll(text) }
func writeStandardError(_ text: String) { FileDescriptor.standardError.writeAll(text) }
