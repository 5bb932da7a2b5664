import SwddDD
import SwddEngine
import SwddImage
import SwddSystem

/// dd mode with `compress=zstd[:LEVEL]`: `swdd if=/dev/sda1 of=sda1.img.zst bs=4M compress=zstd`
/// writes the image `swdd image` would, by `swdd image`'s rules (of= is `of=.partial` until
/// complete, then renamed; never a block device), reading what dd would read (if=, skip=, count=,
/// bs=), and ends with dd's summary. Operands that cannot apply to an image are refused with one
/// line, before anything is opened.
enum DDCompressMode {
    static func run(_ settings: DDSettings, level: Int32, program: String) -> Int32 {
        func fail(_ message: String) -> Int32 {
            FileDescriptor.standardError.writeAll("\(program): \(message)\n")
            return 1
        }
        if let refused = refusedOperand(settings) { return fail("compress= cannot be combined with \(refused)") }
        let start = MonotonicClock.now()
        let input: ImageInput
        let sectorSize: Int
        do {
            let skip = Int64(clamping: settings.skipRecords &* UInt64(settings.inputBlockSize) &+ settings.skipBytes)
            let count = settings.hasCountLimit
                ? Int64(clamping: settings.maxRecords &* UInt64(settings.inputBlockSize) &+ settings.maxBytes) : nil
            (input, _, sectorSize) = try ImageCommandSupport.openImageSource(settings.inputPath, skip: skip, count: count)
        } catch {
            return fail("cannot read '\(settings.inputPath ?? "standard input")': \(ImageCommandSupport.reason(error))")
        }
        let output: ImageOutput
        if let path = settings.outputPath {
            if (try? FileStatus.of(path: path))?.kind == .blockDevice {
                return fail("refusing to write an image to block device '\(path)': compress= never writes a disk (restore does)")
            }
            do { output = try ImageOutput.file(path) } catch { return fail("failed to open '\(path)': \(error.reason)") }
        } else {
            output = .stream(.standardOutput)
        }
        let partial = output.partialPath
        ImageCommandSupport.onSignal { if let partial { try? FileSystemPath.remove(partial) } }
        var options = ImageOptions()
        options.level = level
        let summary: ImageSummary
        do {
            summary = try ImageWriter.write(input, to: output, options: options,
                                            identity: SourceIdentity(path: settings.inputPath ?? "-"), sectorSize: sectorSize,
                                            counters: TransferCounters())
            try output.commit()
        } catch {
            output.abandon()
            return fail("imaging '\(settings.inputPath ?? "standard input")' failed: \(ImageCommandSupport.reason(error))")
        }
        // dd's summary of what it read: the records of ibs and obs those bytes make.
        let bytes = UInt64(summary.sourceSize)
        let ibs = UInt64(settings.inputBlockSize), obs = UInt64(settings.outputBlockSize)
        let statistics = DDStatistics(recordsInFull: bytes / ibs, recordsInPartial: bytes % ibs == 0 ? 0 : 1,
                                      recordsOutFull: bytes / obs, recordsOutPartial: bytes % obs == 0 ? 0 : 1,
                                      truncatedRecords: 0, bytesCopied: bytes)
        FileDescriptor.standardError.writeAll(DDSummary.text(statistics, status: settings.status,
                                                             elapsedNanoseconds: Int64(MonotonicClock.now() - start)))
        return 0
    }

    /// The first operand that means nothing for an image (its position, its flags, conversions
    /// of its bytes), as the user would write it.
    static func refusedOperand(_ settings: DDSettings) -> String? {
        if settings.seekRecords != 0 || settings.seekBytes != 0 { return "seek=" }
        // A symbol's value may carry bits it implies (ucase: two buffers): name the first whose
        // own bits are among the refused ones.
        let allowedConversions: DDConversions = [.twoBuffers, .fsync, .fdatasync, .sparse]
        let conversions = settings.conversions.subtracting(allowedConversions)
        if let symbol = DDConversions.symbols.first(where: { !$0.1.subtracting(allowedConversions).isDisjoint(with: conversions) }) {
            return "conv=\(symbol.0)"
        }
        if let symbol = DDFlags.symbols.first(where: { !$0.1.isDisjoint(with: settings.outputFlags) }) { return "oflag=\(symbol.0)" }
        let allowedInputFlags: DDFlags = [.skipBytes, .countBytes, .fullblock]
        let inputFlags = settings.inputFlags.subtracting(allowedInputFlags)
        if let symbol = DDFlags.symbols.first(where: { !$0.1.subtracting(allowedInputFlags).isDisjoint(with: inputFlags) }) {
            return "iflag=\(symbol.0)"
        }
        if !settings.hashAlgorithms.isEmpty { return "hash= (the image records a digest of every block: swdd verify checks them)" }
        return nil
    }
}
