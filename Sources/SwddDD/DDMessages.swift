/// The diagnostics GNU dd 9.1 prints while copying, without the `dd: ` prefix (the CLI adds the
/// program name). Each was checked against `/usr/bin/dd`; the comment names how to provoke it.
///
/// `path` nil means standard input or output, which GNU names `standard input` and
/// `standard output` (quoted like any name: `'standard input'`). `reason` is the errno text
/// (`strerror`: `Errno.description`); GNU appends it as `": reason"`.
///
/// GNU quotes names three ways: `quoteaf` (always shell-quoted) in most messages, `quotef`
/// (quoted only when needed) where the name is followed by a colon, and `quote` for operands.
/// Before printing any of these while a progress line is on the terminal, GNU prints `"\n"`
/// (its `diagnose` function).
public enum DDMessages {
    /// `strerror(EOVERFLOW)` in the C locale, which dd appends to `invalid number` on overflow.
    public static let valueTooLarge = "Value too large for defined data type"

    /// GNU's name for standard input in messages.
    public static let standardInput = "standard input"
    /// GNU's name for standard output in messages.
    public static let standardOutput = "standard output"

    // MARK: Opening and flags

    /// `dd if=/nonexistent` → `failed to open '/nonexistent': No such file or directory`.
    public static func failedToOpen(_ path: String, reason: String, locale: QuotingLocale) -> String {
        "failed to open \(always(path, locale))" + suffix(reason)
    }

    /// `dd iflag=direct < /dev/null` → `setting flags for 'standard input': Invalid argument`
    /// (GNU's `set_fd_flags` for a standard stream).
    public static func settingFlags(_ path: String?, isInput: Bool, reason: String,
                                    locale: QuotingLocale) -> String {
        "setting flags for \(always(name(path, isInput), locale))" + suffix(reason)
    }

    /// `dd if=/dev/null of=f seek=9223372036854775807 bs=2` → `offset too large: cannot
    /// truncate to a length of seek=9223372036854775807 (2-byte) blocks`.
    public static func offsetTooLarge(seekRecords: UInt64, outputBlockSize: Int) -> String {
        "offset too large: cannot truncate to a length of seek=\(seekRecords) "
            + "(\(outputBlockSize)-byte) blocks"
    }

    /// `chattr +a f; dd if=/dev/null of=f seek=1 oflag=append` → `failed to truncate to 512
    /// bytes in output file 'f': Operation not permitted` (also used when `conv=sparse` ends on
    /// a seek and the final `ftruncate` fails).
    public static func failedToTruncate(size: Int64, path: String?, reason: String,
                                        locale: QuotingLocale) -> String {
        "failed to truncate to \(size) bytes in output file "
            + always(name(path, false), locale) + suffix(reason)
    }

    /// `cannot fstat 'x': …` (fstat of the input while skipping, or of the output at the end).
    public static func cannotFstat(_ path: String?, isInput: Bool, reason: String,
                                   locale: QuotingLocale) -> String {
        "cannot fstat \(always(name(path, isInput), locale))" + suffix(reason)
    }

    /// `memory exhausted by input buffer of size 9223372036854775806 bytes (8.0 EiB)`
    /// (`dd bs=9223372036854775806`).
    public static func memoryExhaustedByInputBuffer(size: Int) -> String {
        "memory exhausted by input buffer of size \(size) bytes (\(iec(size)))"
    }

    /// The same for the output buffer (`obs=` too large, with two buffers).
    public static func memoryExhaustedByOutputBuffer(size: Int) -> String {
        "memory exhausted by output buffer of size \(size) bytes (\(iec(size)))"
    }

    // MARK: Skipping and seeking

    /// `dd if=small skip=1000` → `small: cannot skip to specified offset` (a warning: the copy
    /// goes on; not printed with `status=none`).
    public static func cannotSkipToSpecifiedOffset(_ path: String?, locale: QuotingLocale) -> String {
        "\(ifNeeded(name(path, true), locale)): cannot skip to specified offset"
    }

    /// `%s: cannot skip` + reason: `lseek` on the input failed though `SEEK_END` worked.
    public static func cannotSkip(_ path: String?, reason: String, locale: QuotingLocale) -> String {
        "\(ifNeeded(name(path, true), locale)): cannot skip" + suffix(reason)
    }

    /// `dd if=/dev/null seek=1 | cat` → `'standard output': cannot seek: Illegal seek`; also the
    /// input after a read error with `conv=noerror` on an unseekable file.
    public static func cannotSeek(_ path: String?, isInput: Bool, reason: String,
                                  locale: QuotingLocale) -> String {
        "\(ifNeeded(name(path, isInput), locale)): cannot seek" + suffix(reason)
    }

    // MARK: Reading and writing

    /// `dd if=/` → `error reading '/': Is a directory`.
    public static func errorReading(_ path: String?, reason: String, locale: QuotingLocale) -> String {
        "error reading \(always(name(path, true), locale))" + suffix(reason)
    }

    /// `dd if=/dev/zero of=/dev/full count=1` (two buffers: a full `obs` block failed) →
    /// `writing to '/dev/full': No space left on device`. Also used for the zeros written
    /// when seeking past the end of an unseekable output.
    public static func writingTo(_ path: String?, reason: String, locale: QuotingLocale) -> String {
        "writing to \(always(name(path, false), locale))" + suffix(reason)
    }

    /// `dd if=/dev/zero of=/dev/full bs=512 count=1` (one buffer, or the final partial block) →
    /// `error writing '/dev/full': No space left on device`.
    public static func errorWriting(_ path: String?, reason: String, locale: QuotingLocale) -> String {
        "error writing \(always(name(path, false), locale))" + suffix(reason)
    }

    /// `warning: partial read (3 bytes); suggest iflag=fullblock` (`1 byte` in the singular).
    /// GNU prints it once, for the previous short read, when ``DDSettings/warnPartialRead``.
    public static func partialRead(bytes: Int) -> String {
        "warning: partial read (\(bytes) byte\(bytes == 1 ? "" : "s")); suggest iflag=fullblock"
    }

    /// `offset overflow while reading file 'x'` (conv=noerror moving past a bad block overflowed).
    public static func offsetOverflow(_ path: String?, locale: QuotingLocale) -> String {
        "offset overflow while reading file \(always(name(path, true), locale))"
    }

    /// `warning: invalid file offset after failed read` (not with `status=none`).
    public static let invalidFileOffsetAfterFailedRead = "warning: invalid file offset after failed read"

    /// `cannot work around kernel bug after all`.
    public static let cannotWorkAroundKernelBug = "cannot work around kernel bug after all"

    /// `failed to turn off O_DIRECT: x` + reason, before a short final write with `oflag=direct`
    /// (not with `status=none`).
    public static func failedToTurnOffDirect(_ path: String?, reason: String,
                                             locale: QuotingLocale) -> String {
        "failed to turn off O_DIRECT: \(ifNeeded(name(path, false), locale))" + suffix(reason)
    }

    /// `failed to discard cache for: x` + reason (`iflag=nocache count=0` on a pipe).
    public static func failedToDiscardCache(_ path: String?, isInput: Bool, reason: String,
                                            locale: QuotingLocale) -> String {
        "failed to discard cache for: \(ifNeeded(name(path, isInput), locale))" + suffix(reason)
    }

    // MARK: Finishing

    /// `fdatasync failed for 'x'` + reason (ENOSYS and EINVAL are not reported: GNU falls back
    /// to `fsync`).
    public static func fdatasyncFailed(_ path: String?, reason: String, locale: QuotingLocale) -> String {
        "fdatasync failed for \(always(name(path, false), locale))" + suffix(reason)
    }

    /// `dd if=/dev/zero of=/dev/null count=1 conv=fsync` → `fsync failed for '/dev/null':
    /// Invalid argument`.
    public static func fsyncFailed(_ path: String?, reason: String, locale: QuotingLocale) -> String {
        "fsync failed for \(always(name(path, false), locale))" + suffix(reason)
    }

    /// `closing input file 'x'` + reason.
    public static func closingInputFile(_ path: String?, reason: String, locale: QuotingLocale) -> String {
        "closing input file \(always(name(path, true), locale))" + suffix(reason)
    }

    /// `closing output file 'x'` + reason.
    public static func closingOutputFile(_ path: String?, reason: String, locale: QuotingLocale) -> String {
        "closing output file \(always(name(path, false), locale))" + suffix(reason)
    }

    // MARK: swdd's own

    /// `hashlog=/ro/x` → `failed to write hash log '/ro/x': Read-only file system`.
    public static func failedToWriteHashLog(_ path: String, reason: String, locale: QuotingLocale) -> String {
        "failed to write hash log \(always(path, locale))" + suffix(reason)
    }

    // MARK: Helpers

    private static func name(_ path: String?, _ isInput: Bool) -> String {
        path ?? (isInput ? standardInput : standardOutput)
    }

    private static func always(_ text: String, _ locale: QuotingLocale) -> String {
        Quoting.quoteAlways(text, locale: locale)
    }

    private static func ifNeeded(_ text: String, _ locale: QuotingLocale) -> String {
        Quoting.quoteIfNeeded(text, locale: locale)
    }

    private static func suffix(_ reason: String) -> String {
        reason.isEmpty ? "" : ": " + reason
    }

    private static func iec(_ size: Int) -> String {
        HumanReadable.format(UInt64(max(0, size)), base1024: true)
    }
}
