import ArgumentParser
import SwddDisks
import SwddEngine
import SwddImage
import SwddRemote
import SwddSystem

/// `swdd image SOURCE DEST`: a partition, disk, file or standard input into one compressed,
/// sparse, checksummed zstd seekable-format image (docs/FORMAT.md).
///
/// Policy lives here: DEST is never a block device (reversed arguments must not destroy a
/// disk), an existing DEST is replaced only with --overwrite, a new file in the devtmpfs /dev
/// needs --force, and the image is DEST.partial until complete.
struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Image a partition, disk or file into a compressed, checksummed image.",
        discussion: """
            The image is a zstd seekable-format stream: `zstd -d IMAGE` gives the source back byte \
            for byte. Holes of a source file are never read; zero blocks are stored as tiny frames \
            without the compressor; every block's digest is recorded. Frames compress on every core \
            while the next chunks are read. The image is written as DEST.partial and renamed when \
            complete; an interrupted run leaves only the .partial. SOURCE or DEST may be - for \
            standard input or output.
            """)

    @Argument(help: "A block device, a file, or - for standard input.")
    var source: String

    @Argument(help: "The image file to write, ssh://[user@]host[:port]/path for one on another machine, or - for standard output.")
    var destination: String

    @OptionGroup var encoding: EncodingOptions

    @Flag(help: "Also write a bmap 2.0 file (SHA-256) for bmaptool: DEST without .zst, plus .bmap.")
    var bmap = false

    @Flag(help: "Go on past unreadable sectors of SOURCE: store zeros there, record the ranges in the image, exit 3.")
    var keepGoing = false

    @OptionGroup var freezeOptions: FreezeOptions

    @OptionGroup var remote: RemoteOptions

    @OptionGroup var storage: StorageClassOptions

    @OptionGroup var usedBlocks: UsedBlocksOptions

    @Flag(help: "Replace DEST (and its bmap) if it exists.")
    var overwrite = false

    @Flag(help: "Allow creating a new file directly in /dev.")
    var force = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print a summary as JSON on standard output.")
    var json = false

    func run() throws {
        let support = ImageCommandSupport.self
        if bmap && encoding.encrypt != nil {
            support.complain("--encrypt and --bmap do not go together: bmaptool cannot read an encrypted image")
            throw ExitCode(2)
        }
        var options = try encoding.imageOptions()
        if keepGoing && source == "-" {
            support.complain("--keep-going needs a file or device to read again: standard input cannot be")
            throw ExitCode(2)
        }
        try freezeOptions.check(source: source)
        try storage.check(destination: destination)
        try usedBlocks.check(source: source)
        if bmap && destination == "-" {
            support.complain("--bmap needs an image file to write the bmap beside")
            throw ExitCode(2)
        }
        if bmap && !overwrite && FileSystemPath.exists(BmapFile.path(forImage: destination)) {
            support.complain("'\(BmapFile.path(forImage: destination))' exists (use --overwrite to replace it)")
            throw ExitCode(1)
        }
        if json && destination == "-" {
            support.complain("--json needs standard output, which the image is written to")
            throw ExitCode(2)
        }
        options.bmap = bmap
        options.keepGoing = keepGoing

        let input: ImageInput
        let sourceSize: Int64?
        let sectorSize: Int
        var identity = SourceIdentity(path: source)
        do {
            (input, sourceSize, sectorSize) = try ImageCommandSupport.openImageSource(source == "-" ? nil : source)
            if case .range(let descriptor, let range, _) = input {
                let size = range.upperBound
                if ImageLayout.startsWithHeader(descriptor) {
                    support.complain("warning: '\(source)' is itself a swdd image; imaging it anyway")
                }
                if let facts = try? FilesystemProbe.probe(descriptor, offset: 0, length: UInt64(size), sectorSize: sectorSize) {
                    identity = SourceIdentity(path: source, type: facts.type, uuid: facts.uuid ?? "", label: facts.label ?? "")
                }
            }
        } catch {
            support.complain("cannot read '\(source)': \(support.reason(error))")
            throw ExitCode(1)
        }

        var freezing: SourceFreeze?
        if case .range(let descriptor, _, _) = input {
            let writes = RemoteLocation.isRemote(destination) || ObjectLocation.isObjectStore(destination) ? [] : destination == "-" ? ["-"] : [destination, destination + ".partial"] + (bmap ? [BmapFile.path(forImage: destination)] : [])
            do {
                freezing = try SourceFreeze.prepare(source: source, descriptor: descriptor, freeze: freezeOptions.freeze, writes: writes)
            } catch {
                support.complain(error.message)
                throw ExitCode(1)
            }
        }

        let output: ImageOutput
        do {
            output = try openDestination()
        } catch let exit as ExitCode {
            throw exit  // said already
        } catch let refusal as Refusal {
            support.complain(refusal.message)
            throw ExitCode(1)
        } catch {
            support.complain("cannot write '\(destination)': \(support.reason(error))")
            throw ExitCode(1)
        }

        let line = StatusLine(enabled: !quiet && FileDescriptor.standardError.isTerminal)
        let partial = output.partialPath
        support.onSignal {
            if let partial { try? FileSystemPath.remove(partial) }
            line.finish()
        }
        let counters = TransferCounters()
        let progress = support.startProgress(line, counters: counters, total: sourceSize, quiet: quiet)
        let summary: ImageSummary
        var hold: HeldFreeze?
        do {
            hold = try freezing?.hold(timeout: .seconds(freezeOptions.timeout))
            usedBlocks.apply(to: &options, source: source, input: input, sectorSize: sectorSize, frozen: hold != nil, quiet: quiet || json)
            summary = try ImageWriter.write(input, to: output, options: options, identity: identity, sectorSize: sectorSize,
                                            counters: counters, hold: hold)
            try output.commit()
            if let map = summary.bmap { try Self.writeBmap(map, forImage: destination) }
        } catch {
            try? hold?.release()  // a run that failed before reading to the end left it held
            progress?.stop()
            line.finish()
            output.abandon()
            support.complain("imaging '\(source)' failed: \(support.reason(error))")
            throw ExitCode(1)
        }
        progress?.stop()
        line.finish()
        if keepGoing && !summary.unreadable.isEmpty {
            support.complain("'\(source)' could not be read in \(support.unreadableSummary(summary.unreadable)); "
                             + "zeros were stored there and the ranges recorded in the image")
        }
        if json {
            FileDescriptor.standardOutput.writeAll(Self.json(summary, source: source, destination: destination, filesystems: options.filesystems))
        } else if !quiet {
            let percent = summary.sourceSize > 0 ? Double(summary.bytesStored) * 100 / Double(summary.sourceSize) : 0
            let tenths = Int((percent * 10).rounded())
            support.complain("imaged '\(source)' (\(ProgressLine.binarySize(summary.sourceSize))) into '\(destination)': "
                             + "\(ProgressLine.binarySize(summary.bytesStored)), \(tenths / 10).\(tenths % 10)% of the source, in "
                             + support.timeAndRate(bytes: summary.sourceSize, nanoseconds: summary.elapsedNanoseconds)
                             + (options.encryption.map { ", encrypted with key id \($0.idText)" } ?? ""))
        }
        if !summary.unreadable.isEmpty { throw ExitCode(support.partlyUnreadable) }
    }

    /// A refusal worded by this command (DESIGN's vocabulary: --overwrite, --force).
    struct Refusal: Error {
        var message: String
    }

    private func openDestination() throws -> ImageOutput {
        if ObjectLocation.isObjectStore(destination) {
            if bmap { throw Refusal(message: "--bmap writes a file beside a local image; '\(destination)' is in object storage") }
            let (rclone, name) = try ImageCommandSupport.objectImage(destination, remote: remote, storageClass: storage.storageClass)
            if !overwrite, try rclone.entry(name) != nil { throw Refusal(message: "'\(destination)' exists (use --overwrite to replace it)") }
            return try ImageOutput.object(rclone, name: name)
        }
        if RemoteLocation.isRemote(destination) {
            if bmap { throw Refusal(message: "--bmap writes a file beside a local image; '\(destination)' is on another machine") }
            let (files, path) = try ImageCommandSupport.remoteFiles(destination, ssh: remote.ssh)
            if !overwrite, try files.exists(path) { throw Refusal(message: "'\(destination)' exists (use --overwrite to replace it)") }
            return try ImageOutput.remote(files, path: path)
        }
        if destination == "-" {
            if FileDescriptor.standardOutput.isTerminal { throw Refusal(message: "refusing to write an image to a terminal") }
            return .stream(.standardOutput)
        }
        if let status = try? FileStatus.of(path: destination) {
            switch status.kind {
            case .blockDevice:
                throw Refusal(message: "refusing to write an image to block device '\(destination)': image never writes a disk (restore does)")
            case .characterDevice, .fifo, .socket:
                return .stream(try FileDescriptor.open(destination, flags: [.writeOnly, .closeOnExec]))
            case .directory:
                throw Refusal(message: "cannot write '\(destination)': it is a directory")
            default:
                if !overwrite { throw Refusal(message: "'\(destination)' exists (use --overwrite to replace it)") }
            }
        } else if !force && ImageCommandSupport.isNewFileInDevtmpfs(destination) {
            throw Refusal(message: "refusing to create '\(destination)' in /dev, which holds devices (use --force to create it anyway)")
        }
        return try ImageOutput.file(destination)
    }

    /// The bmap beside the image, by the image's own rule: `NAME.partial`, synced, renamed.
    static func writeBmap(_ map: BmapFile, forImage image: String) throws {
        let output = try ImageOutput.file(BmapFile.path(forImage: image))
        do {
            try output.write(text: map.rendered())
            try output.commit()
        } catch {
            output.abandon()
            throw (error as? IncompleteWrite)?.error ?? error
        }
    }

    static func json(_ s: ImageSummary, source: String, destination: String, filesystems: [FilesystemRecord]) -> String {
        let ratio = s.sourceSize > 0 ? Double(s.bytesStored) / Double(s.sourceSize) : 0
        return """
            {"source": \(source.jsonQuoted), "image": \(destination.jsonQuoted), "source_bytes": \(s.sourceSize), \
            "bytes_read": \(s.bytesRead), "image_bytes": \(s.bytesStored), "ratio": \(ratio), "frames": \(s.frames), \
            "data_blocks": \(s.dataBlocks), "zero_blocks": \(s.zeroBlocks), "unused_blocks": \(s.unusedBlocks), "seconds": \(Double(s.elapsedNanoseconds) / 1e9), \
            "image_id": "\(s.imageID)", "unreadable": [\(s.unreadable.map { "[\($0.offset), \($0.length)]" }.joined(separator: ", "))], \
            "filesystems": [\(filesystems.map(UsedBlocksOptions.json).joined(separator: ", "))]}

            """
    }
}

/// `1M`, `4M`, `512K`, `1048576`: sizes on the command line (binary multiples).
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(text)
        var multiplier = 1
        if let last = digits.last, let unit = units[Character(last.uppercased())] {
            multiplier = unit
            digits = digits.dropLast()
        }
        guard let value = Int(digits), value >= 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
