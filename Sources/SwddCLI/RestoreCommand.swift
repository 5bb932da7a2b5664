import ArgumentParser
import SwddBackup
import SwddEngine
import SwddImage
import SwddRemote
import SwddSystem

/// `swdd restore IMAGE TARGET`: an image back onto a new file, an existing file, a block device
/// or standard output, in the order of checks that loses nothing (DESIGN's restore model):
/// the image's structure first, always; then, before the first write to anything that exists,
/// a read-only pass over every frame and digest; a new file as TARGET.partial, renamed at the
/// end; on an existing target the first chunk (partition tables, superblocks) written last.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore an image onto a file, a block device or standard output.",
        discussion: """
            Every block is checked against its recorded digest before it is written. The target \
            ends up holding the image's bytes exactly: zero blocks become holes in a file \
            (punched over old data) and are zeroed on a device with BLKZEROOUT, or left alone \
            with --skip-zeros when the device is known to be blank. A mounted or busy device, a \
            device smaller than the image, or one whose logical sector size differs from the \
            image's is refused (the last two with --force overridable, the sector size only).
            """)

    @Argument(help: "The image file (an image of a chain is restored with its parents beside it), or a repository.")
    var image: String

    @Argument(help: "A new or existing file, a block device, or - for standard output.")
    var target: String

    @Option(help: ArgumentHelp("With a repository: the restore point — latest (the default), an image id, or a time (ISO 8601, local time unless it says Z or +HH:MM); the newest image made at or before it.", valueName: "time|id"))
    var at: String?

    @Option(help: ArgumentHelp("With a repository: the chain (needed when it holds several).", valueName: "name"))
    var name: String?

    @OptionGroup var remote: RemoteOptions

    @OptionGroup var keys: KeyOption

    @Option(help: ArgumentHelp("A bmaptool bmap for IMAGE (a raw, .zst, .gz, .xz or .bz2 image bmaptool made); found beside IMAGE as bmaptool finds it when IMAGE is not a swdd image.", valueName: "file"))
    var bmap: String?

    @Flag(help: "Leave zero blocks unwritten: the target device already reads as zeros.")
    var skipZeros = false

    @Flag(help: "Write zeros over the unused blocks of an image made with --used (by default the target keeps what it holds there).")
    var zeroUnused = false

    @Flag(help: "Skip the read-only pass over the whole image before writing an existing target.")
    var noPrecheck = false

    @Flag(help: "Replace an existing regular file.")
    var overwrite = false

    @Flag(help: "Write a mounted or busy device, or one whose sector size differs from the image's.")
    var force = false

    @Flag(help: "Afterwards, read the target back (bypassing the page cache) and compare every block with the image's digests.")
    var verify = false

    @Option(help: ArgumentHelp("Decompression threads (default: the cores).", valueName: "N"))
    var threads: Int?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        let support = ImageCommandSupport.self
        let workers = max(1, threads ?? ProcessorCount.online)
        let key = try keys.key()
        if image == "-" { return try restoreFromStream(key: key, workers: workers) }
        if RemoteLocation.isRemote(image) { return try restoreFromRemote(key: key, workers: workers) }
        if ObjectLocation.isObjectStore(image) { return try restoreFromObjectStore(key: key, workers: workers) }
        if BackupRepository.isRepository(image) {
            return try restoreFromRepository(try support.openRepository(image), key: key, workers: workers)
        }
        try support.refuseRestorePointOptions(at: at, name: name, for: image)
        if let pair = bmap ?? bmapBesideForeignImage() { return try restoreBmapPair(bmapPath: pair) }
        let point = try completePoint { try ImageChainFiles.point(opening: image, key: key) }
        try restore(point, named: "'\(image)'", workers: workers)
    }

    /// `restore REPO TARGET [--at TIME|ID] [--name NAME]`: the point chosen from the manifests,
    /// each block read from the newest image of its chain that holds it, under a read lease so
    /// that no prune removes an image being read.
    private func restoreFromRepository(_ repository: BackupRepository, key: ImageKey?, workers: Int) throws {
        let support = ImageCommandSupport.self
        var repository = repository
        repository.key = key
        defer { repository.store.close() }
        let lock = try support.lock(repository, for: .read)
        defer { lock.release() }
        let manifests = try support.manifests(of: repository)
        let chosen = try support.select(at, name: name, in: manifests, repository: image)
        try StorageClassColumn.requireThawed(chosen, among: manifests, in: repository, location: image, purpose: "restore")
        let point: RestorePoint
        do {
            point = try repository.restorePoint(chosen, among: manifests)
        } catch {
            support.complain("cannot restore \(chosen.kind.name) image \(chosen.shortName) of '\(image)': \(support.reason(error))")
            throw ExitCode(support.exitStatus(for: error))
        }
        let when = LocalTime(secondsSinceEpoch: chosen.created).text
        try restore(point, named: "'\(image)' as of \(when) (\(chosen.kind.name) image \(chosen.shortName) of chain '\(chosen.chain)')", workers: workers)
    }

    /// `restore ssh://host/path TARGET`: a repository there, or an image (with its parents beside
    /// it), read over ssh; frames stream in order and decompress in parallel as they arrive.
    private func restoreFromRemote(key: ImageKey?, workers: Int) throws {
        let support = ImageCommandSupport.self
        let (files, path) = try support.remoteFiles(image, ssh: remote.ssh)
        let store = SshStore(files, root: path)
        if BackupRepository.isRepository(store) {
            return try restoreFromRepository(try BackupRepository.open(store), key: key, workers: workers)
        }
        defer { files.session.close() }
        try support.refuseRestorePointOptions(at: at, name: name, for: image)
        let point = try completePoint { try ImageChainFiles.point(remote: files, path: path, key: key) }
        defer { point.release() }
        try restore(point, named: "'\(image)'", workers: workers)
    }

    /// `restore s3://…|rclone:… TARGET`: a repository there, or an image object (with its parents
    /// beside it); frames are read as streams of the objects, the next one already on its way.
    private func restoreFromObjectStore(key: ImageKey?, workers: Int) throws {
        let support = ImageCommandSupport.self
        let store = ObjectStore(try support.rclone(for: image, remote: remote))
        if BackupRepository.isRepository(store) {
            return try restoreFromRepository(try BackupRepository.open(store), key: key, workers: workers)
        }
        try support.refuseRestorePointOptions(at: at, name: name, for: image)
        let (rclone, object) = try support.objectImage(image, remote: remote)
        let point = try completePoint { try ImageChainFiles.point(object: object, in: rclone, key: key) }
        defer { point.release() }
        try restore(point, named: "'\(image)'", workers: workers)
    }

    /// What became of an image's unused blocks (`--used`), for the summary; empty for other images.
    static func unusedNote(_ metadata: ImageMetadata, zeroed: Bool) -> String {
        let unused = metadata.unusedRanges.reduce(Int64(0)) { $0 + ($1.upperBound - $1.lowerBound) }
        guard unused > 0 else { return "" }
        return "; \(ProgressLine.binarySize(unused)) of unused blocks " + (zeroed ? "zeroed" : "left as the target held them")
    }

    /// The restore point `open` finds, with every block's image present, or one line saying why
    /// not (a damaged or broken chain exits 4) and the exit.
    private func completePoint(_ open: () throws -> RestorePoint) throws -> RestorePoint {
        let support = ImageCommandSupport.self
        do {
            let point = try open()
            try point.checkComplete()
            return point
        } catch {
            support.complain("cannot restore '\(image)': \(support.reason(error))")
            throw ExitCode(support.exitStatus(for: error))
        }
    }

    /// Restores `point` (an image, or a restore point of a chain) onto the target: the target
    /// checked, the point checked whole first when the target exists, then written.
    func restore(_ point: RestorePoint, named name: String, workers: Int) throws {
        let support = ImageCommandSupport.self
        let metadata = point.metadata
        let size = metadata.sourceSize
        let plan = try preparedTarget(size: size, sectorSize: metadata.sectorSize, streamed: false)
        defer { plan.claim?.release() }
        let precheck: ((TransferCounters) throws -> Void)? = plan.precheck && !noPrecheck
            ? { try ImageRestorer.check(point, threads: workers, counters: $0) } : nil
        let elapsed = try writing(plan, from: name, total: size, precheck: precheck) { counters in
            try ImageRestorer.restore(point, to: plan.destination, zeroesUnused: zeroUnused, threads: workers, counters: counters)
            return size
        }
        var checked = ""
        if verify && target != "-" {
            do {
                try support.compare(metadata, target: target, threads: workers, counters: TransferCounters())
                checked = ", read back and checked"
            } catch {
                support.complain("'\(target)' was restored but does not read back as the image: \(support.reason(error))")
                throw ExitCode(support.damaged)
            }
        }
        if !quiet {
            let chain = point.members.count > 1 ? " from \(point.members.count) images of its chain" : ""
            support.complain("restored \(name) onto '\(target)': \(ProgressLine.binarySize(size))\(chain) in "
                             + support.timeAndRate(bytes: size, nanoseconds: elapsed.nanoseconds) + checked + Self.unusedNote(metadata, zeroed: zeroUnused))
        }
        let unreadable = point.unreadable
        if !unreadable.isEmpty {
            support.complain("note: the source of \(name) could not be read in \(support.unreadableSummary(unreadable)); "
                             + "'\(target)' holds zeros there")
            throw ExitCode(support.partlyUnreadable)
        }
    }

    /// How the target is written, and what finishes it.
    struct TargetPlan {
        var destination: RestoreDestination
        /// Whether the target existed: then the image is checked whole before the first write.
        var precheck: Bool
        /// A new file's `.partial` name (renamed at the end).
        var partial: String?
        var claim: BlockDeviceClaim?
        var descriptor: FileDescriptor?
        var finalPath: String?
        var truncates = false

        /// After the last write: a file gets exactly the image's size; a new file its name.
        func finish(_ size: Int64) throws(SystemError) {
            guard let descriptor else { return }
            if truncates { try descriptor.truncate(to: size) }
            try descriptor.syncData()
            try descriptor.close()
            if let partial, let finalPath { try FileSystemPath.rename(partial, to: finalPath) }
        }
    }

    /// `restore - TARGET`: the image arrives on standard input (`ssh host cat IMAGE | swdd restore - /dev/sdX`).
    /// Nothing can be checked whole before writing; every frame is checked as it is decoded and
    /// every block once the metadata arrives at the end, and the target's first chunk is written
    /// only then. A new file is TARGET.partial until all of that has passed.
    private func restoreFromStream(key: ImageKey?, workers: Int) throws {
        let support = ImageCommandSupport.self
        let counters = TransferCounters()
        let restore: StreamRestore
        do {
            restore = try StreamRestore(input: .standardInput, key: key, counters: counters)
        } catch let error as ImageFormatError {
            support.complain("cannot restore standard input: \(error.reason)")
            throw ExitCode(support.status(for: error))
        } catch {
            support.complain("cannot restore standard input: \(support.reason(error))")
            throw ExitCode(1)
        }
        let header = restore.header
        let plan = try preparedTarget(size: header.announcedSourceSize, sectorSize: header.sectorSize, streamed: true)
        defer { plan.claim?.release() }
        if plan.precheck && !quiet {
            support.complain("restoring from a pipe: the image cannot be checked before writing; each frame and block is checked as it arrives")
        }
        let elapsed = try writing(plan, from: "standard input", total: header.announcedSourceSize > 0 ? header.announcedSourceSize : nil,
                                  precheck: nil) { _ in try restore.run(to: plan.destination, threads: workers).sourceSize }
        if !quiet {
            support.complain("restored standard input (\(ProgressLine.binarySize(elapsed.size))) onto '\(target)' in "
                             + support.timeAndRate(bytes: elapsed.size, nanoseconds: elapsed.nanoseconds))
        }
    }

    /// The target checked and opened, or the one-line refusal and exit 1.
    private func preparedTarget(size: Int64, sectorSize: Int, streamed: Bool) throws -> TargetPlan {
        let support = ImageCommandSupport.self
        do {
            return try prepareTarget(size: size, sectorSize: sectorSize, streamed: streamed)
        } catch let refusal as ImageCommand.Refusal {
            support.complain(refusal.message)
        } catch let refusal as TargetSafety.Refusal {
            support.complain(refusal.message)
        } catch {
            support.complain("cannot write '\(target)': \(support.reason(error))")
        }
        throw ExitCode(1)
    }

    /// Runs the check before writing (if any) and then `restoring`, with the progress line; on a
    /// failure or a signal a new file's `.partial` is removed, and the message says what is left.
    /// Returns the bytes restored and the time the writing took.
    private func writing(_ plan: TargetPlan, from name: String, total: Int64?, precheck: ((TransferCounters) throws -> Void)?,
                         restoring: (TransferCounters) throws -> Int64) throws -> (size: Int64, nanoseconds: UInt64) {
        let support = ImageCommandSupport.self
        let line = StatusLine(enabled: !quiet && FileDescriptor.standardError.isTerminal)
        let partial = plan.partial
        support.onSignal {
            if let partial { try? FileSystemPath.remove(partial) }
            line.finish()
        }
        if let precheck {
            let checked = TransferCounters()
            let progress = support.startProgress(line, counters: checked, total: total, quiet: quiet)
            do {
                try precheck(checked)
            } catch {
                progress?.stop()
                line.finish()
                support.complain("\(name) failed the check before writing; '\(target)' was not touched: \(support.reason(error))")
                throw ExitCode(support.exitStatus(for: error))
            }
            progress?.stop()
        }
        let counters = TransferCounters()
        let progress = support.startProgress(line, counters: counters, total: total, quiet: quiet)
        defer {
            progress?.stop()
            line.finish()
        }
        let start = MonotonicClock.now()
        do {
            let size = try restoring(counters)
            try plan.finish(size)
            return (size, MonotonicClock.now() - start)
        } catch {
            progress?.stop()
            line.finish()
            if let partial { try? FileSystemPath.remove(partial) }
            let state = partial != nil ? "nothing was left at '\(target)'" : "'\(target)' is incomplete"
            support.complain("restoring \(name) failed, \(state): \(support.reason(error))")
            throw ExitCode(support.exitStatus(for: error))
        }
    }

    /// A bmap beside IMAGE when IMAGE is not a swdd image: then it is one of bmaptool's pairs.
    private func bmapBesideForeignImage() -> String? {
        guard let file = try? FileDescriptor.open(image, flags: [.readOnly, .closeOnExec]) else { return nil }
        defer { try? file.close() }
        guard !ImageLayout.startsWithHeader(file) else { return nil }
        return ParsedBmap.discover(forImage: image)
    }

    /// bmaptool's image + bmap pair: the image (raw, zstd, or through gzip, xz or bzip2) restored
    /// byte for byte, each bmap range checked against its checksum as it passes; an existing
    /// target is checked whole first.
    private func restoreBmapPair(bmapPath: String) throws {
        let support = ImageCommandSupport.self
        let parsed: ParsedBmap
        let imageFile: FileDescriptor
        let compression = BmapImageCompression(imagePath: image)
        do {
            let text = try FileDescriptor.open(bmapPath, flags: [.readOnly, .closeOnExec])
            let size = Int(try text.status().size)
            let bytes = try ImageLayout.readAll(text, count: min(size, 64 << 20))
            try? text.close()
            parsed = try ParsedBmap.parse(String(decoding: bytes, as: UTF8.self))
            if let ext = BmapImageCompression.unsupportedSuffixes.first(where: { image.hasSuffix($0) }) {
                throw ImageCommand.Refusal(message: "'\(image)' is compressed with \(ext): swdd restores raw, .zst, .gz, .xz and .bz2 bmaptool images; decompress it first")
            }
            imageFile = try FileDescriptor.open(image, flags: [.readOnly, .closeOnExec])
        } catch let refusal as ImageCommand.Refusal {
            support.complain(refusal.message)
            throw ExitCode(1)
        } catch let invalid as ParsedBmap.Invalid {
            support.complain("cannot use bmap '\(bmapPath)': \(invalid.reason)")
            throw ExitCode(1)
        } catch {
            support.complain("cannot restore '\(image)': \(support.reason(error))")
            throw ExitCode(1)
        }
        let plan = try preparedTarget(size: parsed.imageSize, sectorSize: 0, streamed: false)
        defer { plan.claim?.release() }
        let precheck: ((TransferCounters) throws -> Void)? = plan.precheck && !noPrecheck
            ? { try BmapPairRestore.check(image: imageFile, compression: compression, bmap: parsed, counters: $0) } : nil
        let elapsed = try writing(plan, from: "'\(image)'", total: parsed.imageSize, precheck: precheck) { counters in
            try BmapPairRestore.run(image: imageFile, compression: compression, bmap: parsed, to: plan.destination, counters: counters)
            return parsed.imageSize
        }
        if !quiet {
            support.complain("restored '\(image)' (\(ProgressLine.binarySize(parsed.imageSize))) with bmap '\(bmapPath)' onto '\(target)' in "
                             + support.timeAndRate(bytes: parsed.imageSize, nanoseconds: elapsed.nanoseconds) + ", every range checked")
        }
    }

    /// `size` is what the image holds (0 when a stream did not announce it: then a device's size
    /// cannot be checked before writing, and a write past its end fails instead).
    private func prepareTarget(size: Int64, sectorSize: Int, streamed: Bool) throws -> TargetPlan {
        if target == "-" {
            if FileDescriptor.standardOutput.isTerminal { throw ImageCommand.Refusal(message: "refusing to write a disk image to a terminal") }
            return TargetPlan(destination: .stream(.standardOutput), precheck: false)
        }
        guard let status = try? FileStatus.of(path: target) else {
            if !force && ImageCommandSupport.isNewFileInDevtmpfs(target) {
                throw ImageCommand.Refusal(message: "refusing to create '\(target)' in /dev, which holds devices (use --force to create it anyway)")
            }
            let partial = target + ".partial"
            let descriptor = try FileDescriptor.open(partial, flags: [.writeOnly, .create, .truncate, .closeOnExec], mode: 0o644)
            return TargetPlan(destination: .positional(descriptor, zeros: .skip, extendsFile: true, firstChunkLast: false),
                              precheck: false, partial: partial, descriptor: descriptor, finalPath: target, truncates: true)
        }
        switch status.kind {
        case .blockDevice:
            let claim = try TargetSafety.claimForWriting(target, force: force, frontEnd: .subcommand)
            let descriptor = try FileDescriptor.open(target, flags: [.writeOnly, .closeOnExec])
            let geometry = try BlockDeviceGeometry.of(descriptor)
            guard Int64(geometry.size) >= size || streamed && size == 0 else {
                throw ImageCommand.Refusal(message: "refusing to restore onto '\(target)': it holds \(geometry.size) bytes, the image \(size)")
            }
            // 0: the image does not say (a bmaptool pair), so there is nothing to compare.
            if sectorSize != 0 && geometry.logicalSectorSize != sectorSize && !force {
                throw ImageCommand.Refusal(message: "refusing to restore onto '\(target)': its logical sectors are \(geometry.logicalSectorSize) bytes, "
                                           + "the image's \(sectorSize) (partition tables would not be found; use --force to write anyway)")
            }
            return TargetPlan(destination: .positional(descriptor, zeros: skipZeros ? .skip : .zeroOutDevice, extendsFile: false, firstChunkLast: true),
                              precheck: true, claim: claim, descriptor: descriptor)
        case .regular:
            guard overwrite else { throw ImageCommand.Refusal(message: "'\(target)' exists (use --overwrite to replace it)") }
            let descriptor = try FileDescriptor.open(target, flags: [.writeOnly, .closeOnExec])
            return TargetPlan(destination: .positional(descriptor, zeros: .punchHoles, extendsFile: true, firstChunkLast: true),
                              precheck: true, descriptor: descriptor, truncates: true)
        case .directory:
            throw ImageCommand.Refusal(message: "cannot restore onto '\(target)': it is a directory")
        default:
            return TargetPlan(destination: .stream(try FileDescriptor.open(target, flags: [.writeOnly, .closeOnExec])), precheck: false)
        }
    }
}
