import SwddEngine

/// The operands of one dd command line as written, before the rules that relate them
/// (GNU's `scanargs` loop). ``DDSettings/init(validating:locale:)`` turns them into settings.
///
/// Later operands replace earlier ones (`if=a if=b` reads `b`; `skip=` and `iseek=` are one
/// value, as are `seek=` and `oseek=`), while `conv=`, `iflag=` and `oflag=` accumulate.
public struct DDOperands: Sendable, Equatable {
    /// `if=`; nil reads standard input.
    public var inputPath: String?
    /// `of=`; nil writes standard output.
    public var outputPath: String?
    /// `bs=`; 0 when absent.
    public var blockSize = 0
    /// `ibs=`; 0 when absent.
    public var inputBlockSize = 0
    /// `obs=`; 0 when absent.
    public var outputBlockSize = 0
    /// `cbs=`; 0 when absent.
    public var conversionBlockSize = 0
    /// Union of every `conv=`, with the implied bits of GNU's table.
    public var conversions: DDConversions = []
    /// Union of every `iflag=`.
    public var inputFlags: DDFlags = []
    /// Union of every `oflag=`.
    public var outputFlags: DDFlags = []
    /// The last `status=` symbol.
    public var status: DDStatusLevel = .default
    /// `skip=`/`iseek=` as written (records, or bytes with a `B` or `iflag=skip_bytes`).
    public var skip: Int64 = 0
    /// The last `skip=`/`iseek=` value contains a `B` (GNU's `skip_B`: any `B`, so `1KB` too).
    public var skipInBytes = false
    /// `seek=`/`oseek=` as written.
    public var seek: Int64 = 0
    /// The last `seek=`/`oseek=` value contains a `B`.
    public var seekInBytes = false
    /// `count=` as written; `Int64.max` (GNU's INTMAX_MAX) means no limit, also when written.
    public var count: Int64 = .max
    /// The last `count=` value contains a `B`.
    public var countInBytes = false
    /// swdd's `force=yes`: allow writing to a mounted or busy block device.
    public var force = false
    /// swdd's `hash=ALG[,ALG]` (dcfldd's operand): digests of the data written, in the order named.
    public var hashAlgorithms: [DigestAlgorithm] = []
    /// swdd's `hashlog=FILE`: where the digests are also written.
    public var hashLogPath: String?
    /// swdd's `compress=zstd[:LEVEL]`: write of= as a swdd image at that zstd level.
    public var compressionLevel: Int32?

    public init() {}
}

/// GNU dd 9.1's `scanargs` loop: one operand at a time, stopping at the first bad one with
/// GNU's message. Warnings met on the way are kept, in order.
public enum DDOperandParser {
    /// The largest `bs=`/`ibs=`/`obs=`: MIN(IDX_MAX - 1, SSIZE_MAX, OFF_T_MAX) on 64-bit Linux.
    public static let maximumBlockSize = Int64.max - 1
    /// The largest `cbs=`: MIN(SIZE_MAX, IDX_MAX).
    public static let maximumConversionBlockSize = Int64.max

    /// Parses `operands` (the arguments that are not options) in order.
    public static func parse(
        _ operands: [String], locale: QuotingLocale
    ) throws(DDUsageError) -> (operands: DDOperands, warnings: [String]) {
        var result = DDOperands()
        var warnings: [String] = []
        for operand in operands {
            do {
                try apply(operand, to: &result, warnings: &warnings, locale: locale)
            } catch {
                var failure = error
                failure.warnings = warnings + failure.warnings
                throw failure
            }
        }
        return (result, warnings)
    }

    private static func apply(
        _ operand: String, to result: inout DDOperands, warnings: inout [String],
        locale: QuotingLocale
    ) throws(DDUsageError) {
        let bytes = Array(operand.utf8)
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else {
            throw unrecognized(operand, locale: locale)
        }
        let name = String(decoding: bytes[..<equals], as: UTF8.self)
        let value = String(decoding: bytes[(equals + 1)...], as: UTF8.self)
        // Names are compared as bytes: String's == would accept canonical equivalents.
        func named(_ candidate: String) -> Bool { name.utf8.elementsEqual(candidate.utf8) }

        if named("if") {
            result.inputPath = value
        } else if named("of") {
            result.outputPath = value
        } else if named("conv") {
            result.conversions.formUnion(
                try symbols(value, DDConversions.symbols, "invalid conversion", locale))
        } else if named("iflag") {
            result.inputFlags.formUnion(
                try symbols(value, DDFlags.symbols, "invalid input flag", locale))
        } else if named("oflag") {
            result.outputFlags.formUnion(
                try symbols(value, DDFlags.symbols, "invalid output flag", locale))
        } else if named("status") {
            result.status = try DDSymbolList.parse(
                value, table: DDStatusLevel.symbols, exclusive: true, initial: .default,
                combine: { $1 }, errorPrefix: "invalid status level", locale: locale
            ).get()
        } else if named("force") {
            // swdd's extension; GNU rejects it as an unrecognized operand, so no valid dd
            // command line changes meaning. Parsed like status=: the last symbol wins.
            result.force = try DDSymbolList.parse(
                value, table: [("yes", true), ("no", false)], exclusive: true, initial: false,
                combine: { $1 }, errorPrefix: "invalid force setting", locale: locale
            ).get()
        } else if named("hash") {
            // swdd's extension (dcfldd's name); GNU rejects it. Later hash= operands add to it.
            let table = DigestAlgorithm.allCases.map { ($0.rawValue, [$0]) }
            let named = try DDSymbolList.parse(
                value, table: table, exclusive: false, initial: [DigestAlgorithm](),
                combine: { $0 + $1 }, errorPrefix: "invalid hash algorithm", locale: locale
            ).get()
            for algorithm in named where !result.hashAlgorithms.contains(algorithm) { result.hashAlgorithms.append(algorithm) }
        } else if named("hashlog") {
            result.hashLogPath = value
        } else if named("compress") {
            // swdd's extension: `zstd` or `zstd:LEVEL` (zstd's levels, negative ones included).
            let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.first == "zstd", let level = parts.count == 2 ? Int32(parts[1]) : 1, (-7...22).contains(level) else {
                let quoted = String(decoding: Quoting.quote(bytes: Array(value.utf8), locale: locale), as: UTF8.self)
                throw DDUsageError(message: "invalid compression: \(quoted) (expected zstd or zstd:LEVEL, -7 to 22)", tryHelp: true)
            }
            result.compressionLevel = level
        } else {
            try applyNumber(name: named, value: value, operand: operand, to: &result,
                            warnings: &warnings, locale: locale)
        }
    }

    private static func applyNumber(
        name named: (String) -> Bool, value: String, operand: String,
        to result: inout DDOperands, warnings: inout [String], locale: QuotingLocale
    ) throws(DDUsageError) {
        // GNU parses the number before it looks at the name, so `foo=0x5` warns, then fails.
        let number = DDNumber(parsing: value)
        if number.warnsZeroMultiplier {
            warnings.append(DDNumber.zeroMultiplierWarning(locale: locale))
        }
        let mentionsBytes = value.utf8.contains(UInt8(ascii: "B"))
        var minimum: Int64 = 0
        var maximum: Int64 = .max
        let store: (inout DDOperands, Int64) -> Void
        if named("ibs") {
            (minimum, maximum) = (1, maximumBlockSize)
            store = { $0.inputBlockSize = Int($1) }
        } else if named("obs") {
            (minimum, maximum) = (1, maximumBlockSize)
            store = { $0.outputBlockSize = Int($1) }
        } else if named("bs") {
            (minimum, maximum) = (1, maximumBlockSize)
            store = { $0.blockSize = Int($1) }
        } else if named("cbs") {
            (minimum, maximum) = (1, maximumConversionBlockSize)
            store = { $0.conversionBlockSize = Int($1) }
        } else if named("skip") || named("iseek") {
            store = { $0.skip = $1; $0.skipInBytes = mentionsBytes }
        } else if named("seek") || named("oseek") {
            store = { $0.seek = $1; $0.seekInBytes = mentionsBytes }
        } else if named("count") {
            store = { $0.count = $1; $0.countInBytes = mentionsBytes }
        } else {
            throw unrecognized(operand, locale: locale)
        }

        var status = number.status
        if number.value < minimum {
            status = .invalid
        } else if number.value > maximum {
            status = .overflow
        }
        switch status {
        case .ok:
            store(&result, number.value)
        case .invalid:
            throw DDUsageError(message: invalidNumber(value, locale: locale), tryHelp: false)
        case .overflow:
            throw DDUsageError(
                message: invalidNumber(value, locale: locale) + ": " + DDMessages.valueTooLarge,
                tryHelp: false)
        }
    }

    private static func symbols<Value: OptionSet>(
        _ text: String, _ table: [(String, Value)], _ errorPrefix: String,
        _ locale: QuotingLocale
    ) throws(DDUsageError) -> Value where Value.Element == Value {
        try DDSymbolList.parse(
            text, table: table, exclusive: false, initial: [],
            combine: { $0.union($1) }, errorPrefix: errorPrefix, locale: locale
        ).get()
    }

    private static func invalidNumber(_ value: String, locale: QuotingLocale) -> String {
        "invalid number: \(Quoting.quote(value, locale: locale))"
    }

    private static func unrecognized(_ operand: String, locale: QuotingLocale) -> DDUsageError {
        DDUsageError(
            message: "unrecognized operand \(Quoting.quote(operand, locale: locale))",
            tryHelp: true)
    }
}
