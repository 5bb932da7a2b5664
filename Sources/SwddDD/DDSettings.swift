import SwddEngine

/// Everything a dd copy needs to know, checked once, exactly as GNU dd 9.1's `scanargs` and
/// `apply_translations` leave their globals. Immutable: the copy loop only reads it.
public struct DDSettings: Sendable, Equatable {
    /// `if=`; nil reads standard input (GNU names it `standard input` in messages).
    public let inputPath: String?
    /// `of=`; nil writes standard output (`standard output`).
    public let outputPath: String?
    /// Bytes per read: `bs=`, else `ibs=`, else 512.
    public let inputBlockSize: Int
    /// Bytes per write: `bs=`, else `obs=`, else 512.
    public let outputBlockSize: Int
    /// `cbs=`, 0 when absent (then `block`/`unblock` are off, as in GNU).
    public let conversionBlockSize: Int
    /// `conv=` after GNU's adjustments: implied bits, `block`/`unblock` dropped without `cbs=`,
    /// and ``DDConversions/twoBuffers`` added when `bs=` was not given.
    public let conversions: DDConversions
    /// `iflag=` plus `skipBytes`/`countBytes` implied by a `B` in `skip=`/`count=`.
    /// `dsync`/`sync` add `sync`, because GNU adds `O_RSYNC`, which Linux defines as `O_SYNC`.
    public let inputFlags: DDFlags
    /// `oflag=` plus `seekBytes` implied by a `B` in `seek=`.
    public let outputFlags: DDFlags
    /// `status=`.
    public let status: DDStatusLevel
    /// Whole input blocks (`inputBlockSize`) to skip before copying.
    public let skipRecords: UInt64
    /// Bytes to skip after ``skipRecords`` (non-zero only when skipping in bytes).
    public let skipBytes: UInt64
    /// Whole output blocks (`outputBlockSize`) to seek over before writing.
    public let seekRecords: UInt64
    /// Bytes to seek after ``seekRecords``.
    public let seekBytes: UInt64
    /// Input blocks to copy; `UInt64.max` means no `count=` limit (then ``maxBytes`` is 0).
    public let maxRecords: UInt64
    /// Bytes to read after ``maxRecords`` blocks (count in bytes not a multiple of `ibs`).
    public let maxBytes: UInt64
    /// The 256-byte table every input byte goes through, or nil when no conversion translates.
    public let translation: [UInt8]?
    /// The output's newline for `block`/`unblock`: `\n`, or its EBCDIC/IBM code (0x25).
    public let newlineCharacter: UInt8
    /// The output's space for padding: ` `, or its EBCDIC/IBM code (0x40).
    public let spaceCharacter: UInt8
    /// swdd's `force=yes`: writing to a mounted or busy block device is allowed.
    public let force: Bool
    /// swdd's `hash=`: digests of the data written, printed after the summary; SHA-256 alone
    /// when only `hashlog=` was given.
    public let hashAlgorithms: [DigestAlgorithm]
    /// swdd's `hashlog=FILE`.
    public let hashLogPath: String?
    /// swdd's `compress=zstd[:LEVEL]`: of= becomes a swdd image (the CLI runs `swdd image`'s plan).
    public let compressionLevel: Int32?
    /// GNU's `warn_partial_read`: warn once about a short read (`suggest iflag=fullblock`)
    /// because `bs=` is in force without `iflag=fullblock` and a count, skip or O_DIRECT makes
    /// short reads change the result.
    public let warnPartialRead: Bool

    /// True when `count=` limits the copy.
    public var hasCountLimit: Bool { maxRecords != .max }

    /// True when the copy ends before reading anything (`count=0`): GNU then skips the copy
    /// loop, and `iflag=nocache`/`oflag=nocache` drop the whole file's cache.
    public var copiesNothing: Bool { maxRecords == 0 && maxBytes == 0 }

    /// The output size GNU truncates to before copying (`seek` × `obs` + bytes) when `of=` is
    /// a file and `conv=notrunc` is absent; nil when it overflows `off_t`, which GNU reports with
    /// ``DDMessages/offsetTooLarge(seekRecords:outputBlockSize:)``.
    public var seekOffset: Int64? {
        let (product, overflow) = Int64(clamping: seekRecords)
            .multipliedReportingOverflow(by: Int64(outputBlockSize))
        guard !overflow, seekRecords <= UInt64(Int64.max) else { return nil }
        let (sum, overflow2) = product.addingReportingOverflow(Int64(clamping: seekBytes))
        return overflow2 ? nil : sum
    }

    /// The skip offset in bytes (`skip` × `ibs` + bytes); nil when it overflows `off_t`.
    public var skipOffset: Int64? {
        let (product, overflow) = Int64(clamping: skipRecords)
            .multipliedReportingOverflow(by: Int64(inputBlockSize))
        guard !overflow, skipRecords <= UInt64(Int64.max) else { return nil }
        let (sum, overflow2) = product.addingReportingOverflow(Int64(clamping: skipBytes))
        return overflow2 ? nil : sum
    }

    /// Parses and validates a whole operand list; see ``DDCommandLine`` for `--help` and
    /// `--version` handling. Returns the settings and the warnings to print (in order).
    public static func parse(
        _ operands: [String], locale: QuotingLocale
    ) throws(DDUsageError) -> (settings: DDSettings, warnings: [String]) {
        let (raw, warnings) = try DDOperandParser.parse(operands, locale: locale)
        do {
            let (settings, more) = try validate(raw, locale: locale)
            return (settings, warnings + more)
        } catch {
            var failure = error
            failure.warnings = warnings + failure.warnings
            throw failure
        }
    }

    /// The checks GNU's `scanargs` makes after the operand loop, in its order, then
    /// `apply_translations`. Returns the warnings GNU prints when the line is valid.
    public static func validate(
        _ raw: DDOperands, locale: QuotingLocale
    ) throws(DDUsageError) -> (settings: DDSettings, warnings: [String]) {
        var conversions = raw.conversions
        var inputFlags = raw.inputFlags
        var outputFlags = raw.outputFlags
        var inputBlockSize = raw.inputBlockSize
        var outputBlockSize = raw.outputBlockSize

        if raw.blockSize != 0 {
            inputBlockSize = raw.blockSize
            outputBlockSize = raw.blockSize
        } else {
            // POSIX: without bs=, dd gathers partial reads into obs-sized writes.
            conversions.insert(.twoBuffers)
        }
        if inputBlockSize == 0 { inputBlockSize = 512 }
        if outputBlockSize == 0 { outputBlockSize = 512 }
        if raw.conversionBlockSize == 0 { conversions.subtract([.block, .unblock]) }

        if !inputFlags.isDisjoint(with: [.dsync, .sync]) { inputFlags.insert(.sync) }

        if outputFlags.contains(.fullblock) {
            throw DDUsageError(
                message: "invalid output flag: \(Quoting.quote("fullblock", locale: locale))",
                tryHelp: true)
        }

        // Counts are non-negative here: the operand parser's minimum is 0.
        let ibs = UInt64(inputBlockSize)
        let obs = UInt64(outputBlockSize)
        if raw.skipInBytes { inputFlags.insert(.skipBytes) }
        let skip = UInt64(raw.skip)
        let (skipRecords, skipBytes) =
            inputFlags.contains(.skipBytes) ? (skip / ibs, skip % ibs) : (skip, 0)

        if raw.countInBytes { inputFlags.insert(.countBytes) }
        var maxRecords = UInt64.max
        var maxBytes: UInt64 = 0
        if raw.count != .max {
            let count = UInt64(raw.count)
            (maxRecords, maxBytes) =
                inputFlags.contains(.countBytes) ? (count / ibs, count % ibs) : (count, 0)
        }

        if raw.seekInBytes { outputFlags.insert(.seekBytes) }
        let seek = UInt64(raw.seek)
        let (seekRecords, seekBytes) =
            outputFlags.contains(.seekBytes) ? (seek / obs, seek % obs) : (seek, 0)

        // GNU: max_records < INTMAX_MAX; our "no limit" is UInt64.max.
        let warnPartialRead =
            !conversions.contains(.twoBuffers) && !inputFlags.contains(.fullblock)
            && (skipRecords != 0 || (maxRecords > 0 && maxRecords < UInt64(Int64.max))
                || inputFlags.union(outputFlags).contains(.direct))

        try checkCombinations(conversions, inputFlags, outputFlags)

        var warnings: [String] = []
        if outputFlags.contains(.append) && !conversions.contains(.notrunc) {
            warnings.append("you probably want conv=notrunc with oflag=append")
        }

        let translation = DDTranslation(conversions: conversions)
        let settings = DDSettings(
            inputPath: raw.inputPath, outputPath: raw.outputPath,
            inputBlockSize: inputBlockSize, outputBlockSize: outputBlockSize,
            conversionBlockSize: raw.conversionBlockSize, conversions: conversions,
            inputFlags: inputFlags, outputFlags: outputFlags, status: raw.status,
            skipRecords: skipRecords, skipBytes: skipBytes,
            seekRecords: seekRecords, seekBytes: seekBytes,
            maxRecords: maxRecords, maxBytes: maxBytes,
            translation: translation.table, newlineCharacter: translation.newline,
            spaceCharacter: translation.space, force: raw.force,
            hashAlgorithms: raw.hashAlgorithms.isEmpty && raw.hashLogPath != nil ? [.sha256] : raw.hashAlgorithms,
            hashLogPath: raw.hashLogPath, compressionLevel: raw.compressionLevel,
            warnPartialRead: warnPartialRead)
        return (settings, warnings)
    }

    /// GNU's "cannot combine" checks, in its order.
    private static func checkCombinations(
        _ conversions: DDConversions, _ inputFlags: DDFlags, _ outputFlags: DDFlags
    ) throws(DDUsageError) {
        func twoOrMore(_ set: DDConversions) -> Bool {
            conversions.intersection(set).rawValue.nonzeroBitCount > 1
        }
        if twoOrMore([.ascii, .ebcdic, .ibm]) {
            throw DDUsageError(message: "cannot combine any two of {ascii,ebcdic,ibm}", tryHelp: false)
        }
        if twoOrMore([.block, .unblock]) {
            throw DDUsageError(message: "cannot combine block and unblock", tryHelp: false)
        }
        if twoOrMore([.lcase, .ucase]) {
            throw DDUsageError(message: "cannot combine lcase and ucase", tryHelp: false)
        }
        if twoOrMore([.excl, .nocreat]) {
            throw DDUsageError(message: "cannot combine excl and nocreat", tryHelp: false)
        }
        if inputFlags.isSuperset(of: [.direct, .nocache])
            || outputFlags.isSuperset(of: [.direct, .nocache])
        {
            throw DDUsageError(message: "cannot combine direct and nocache", tryHelp: false)
        }
    }
}
