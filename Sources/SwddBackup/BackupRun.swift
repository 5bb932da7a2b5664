import SwddEngine
import SwddImage
import SwddSystem

/// What the user asked of one `swdd backup`.
public struct BackupRequest: Sendable {
    public var chain: String
    /// nil: the policy decides.
    public var kind: ImageKind?
    public var policy = BackupKindPolicy()
    /// Start the chain over with a full image, even though the source differs from its images'.
    public var newChain = false
    /// Continue an interrupted upload of this very backup (a remote repository), when the
    /// source's blocks it holds still hash as they did; false: `--no-resume`.
    public var resume = true
    public var options = ImageOptions()
    /// The image's creation time.
    public var now: Int64

    public init(chain: String, now: Int64) {
        self.chain = chain
        self.now = now
    }
}

/// What one backup did.
public struct BackupResult: Sendable {
    public var manifest: BackupManifest
    public var parent: BackupManifest?
    public var summary: ImageSummary
    /// Left-overs of interrupted backups removed first.
    public var orphansRemoved: [String]
    /// An interrupted upload continued: the source bytes and the image bytes it already held.
    public var resumed: (sourceBytes: Int64, imageBytes: Int64)?
    /// Why an interrupted upload of this backup was not continued (one line each).
    public var notResumed: [String] = []
}

/// The backup's key does not fit its chain's images: none given for an encrypted chain,
/// another key, or a key for a chain whose images are plain.
public struct ChainKeyMismatch: Error, Sendable {
    public var message: String
}

/// The source is not the one the chain was made from.
public struct SourceMismatch: Error, Sendable {
    public var message: String
}

/// One backup into a repository, under a lock the caller holds (`RepositoryLock.Use.append`):
/// the chain's images read from their manifests, the source checked against the chain, the kind
/// and parent chosen, left-overs of interrupted runs removed — but for an interrupted upload of
/// this very backup to a remote, which is continued (`InterruptedUpload`) — the image written
/// (as `.partial`, synced, renamed) from only its parent's metadata, and the manifest written last.
public enum BackupRun {
    /// `hold` (a filesystem freeze) is held while the source is read. `onImageFile` receives the `.partial` path before writing starts (for signal clean-up).
    public static func run(_ input: ImageInput, identity: SourceIdentity, sourceSize: Int64, sectorSize: Int,
                           into repository: BackupRepository, request: BackupRequest, counters: TransferCounters,
                           hold: ReadingHold? = nil, onImageFile: (String) -> Void = { _ in }) throws -> BackupResult {
        let manifests = try repository.manifests()
        let chain = manifests.filter { $0.chain == request.chain }
        if let newest = chain.last, !request.newChain {
            if let difference = difference(newest, identity: identity, size: sourceSize, sectorSize: sectorSize) {
                throw SourceMismatch(message: "'\(identity.path)' is not the source of chain '\(request.chain)': \(difference) "
                                     + "(use --new-chain to start the chain over with a full image)")
            }
        }
        let kind: ImageKind = chain.isEmpty || request.newChain ? .full : request.kind ?? request.policy.nextKind(after: chain, now: request.now)
        let parent = BackupKindPolicy.parent(of: kind, in: chain)
        var options = request.options
        if let parent {
            // Only the parent's metadata is read (its footer, tables and metadata frame).
            let member = try parentMember(parent, in: repository, chain: request.chain, key: options.encryption)
            defer { member.bytes.release() }
            options.parent = (member.layout.metadata, kind)
        }
        options.created = request.now

        let orphans = try repository.orphans(known: manifests)
        var notResumed: [String] = []
        let resumable = repository.store as? any ResumableImageStore
        let recording = resumable != nil && InterruptedUpload.records(options)
        let key = InterruptedUpload.key(chain: request.chain, kind: kind, parent: parent, identity: identity, sourceSize: sourceSize,
                                        sectorSize: sectorSize, options: options)
        let header = { (id: [UInt8]) in ImageWriter.header(options, id: id, sectorSize: sectorSize, sourceSize: sourceSize) }
        var interrupted: InterruptedUpload?
        if let resumable, recording {
            interrupted = try InterruptedUpload.find(among: orphans, in: resumable, key: key, chain: request.chain,
                                                     imageKey: options.encryption, header: header, reason: { notResumed.append($0) })
            if interrupted != nil && !request.resume {
                notResumed.append("not continuing the interrupted upload of '\(repository.path)/\(interrupted!.name).partial': --no-resume")
                interrupted = nil
            }
        }
        var removed: [String] = []
        let continued = interrupted.map { Set([$0.name + ".partial", $0.name + ".progress"]) } ?? []
        for orphan in orphans where !continued.contains(orphan) {
            try repository.store.remove(orphan)
            removed.append(repository.path + "/" + orphan)
        }

        var id = interrupted?.id ?? ImageWriter.newImageID()
        var summary: ImageSummary
        while true {
            options.imageID = id
            let name = "images/" + ImageChainFiles.fileName(id: id)
            let output: ImageOutput
            if let interrupted, let resumable {
                output = try resumable.continueImage(name, progress: interrupted.progress)
            } else if let resumable, recording {
                output = try resumable.createImage(name, progress: UploadProgress(key: key, header: header(id), sealing: options.encryption, imageID: id))
            } else {
                output = try repository.store.createImage(name)
            }
            if let partial = output.partialPath { onImageFile(partial) }
            do {
                summary = try ImageWriter.write(input, to: output, options: options, identity: identity, sectorSize: sectorSize,
                                                counters: counters, hold: hold, resuming: interrupted?.progress)
                try output.commit()
                break
            } catch let changed as ResumedBlocksChanged {
                // Never one image of two moments: what was sent is discarded, the image made again.
                output.abandon()
                try repository.store.remove(name + ".partial")
                try repository.store.remove(name + ".progress")
                let line = "not continuing the interrupted upload of '\(repository.path)/\(name).partial': the source changed at byte \(changed.offset) since"
                // A freeze held for the read has ended with it: a second read here would not be frozen.
                guard hold == nil else { throw SourceMismatch(message: line + "; its partial was removed, run the backup again") }
                notResumed.append(line)
                interrupted = nil
                id = ImageWriter.newImageID()
                counters.reset()
            } catch {
                output.abandon()
                throw error
            }
        }
        let name = "images/" + ImageChainFiles.fileName(id: id)
        let manifest = BackupManifest(id: id, chain: request.chain, kind: kind, parent: parent?.id, created: request.now, source: identity,
                                      sourceSize: summary.sourceSize, sectorSize: sectorSize, blockSize: summary.blockSize,
                                      imageBytes: summary.bytesStored, storedBlocks: summary.dataBlocks,
                                      inheritedBlocks: summary.inheritedBlocks, zeroBlocks: summary.zeroBlocks,
                                      sequence: (chain.map(\.sequence).max() ?? 0) + 1)
        do {
            try repository.publish(manifest)
        } catch {
            try? repository.store.remove(name)
            throw error
        }
        return BackupResult(manifest: manifest, parent: parent, summary: summary, orphansRemoved: removed,
                            resumed: interrupted.map { ($0.progress.sourceBytes, $0.progress.imageBytes) }, notResumed: notResumed)
    }

    /// The parent image, opened with the backup's key: a chain is encrypted with one key
    /// throughout, or not at all (an image's blocks are compared with its parent's digests, and
    /// its frames read with its parent's at restore).
    private static func parentMember(_ parent: BackupManifest, in repository: BackupRepository, chain: String,
                                     key: ImageKey?) throws -> RestorePoint.Member {
        var keyed = repository
        keyed.key = key
        let member: RestorePoint.Member
        do {
            member = try keyed.member(parent)
        } catch ImageFormatError.needsKey(let id) {
            throw ChainKeyMismatch(message: "chain '\(chain)' is encrypted with key id \(id): give its key file with --encrypt KEYFILE")
        } catch ImageFormatError.wrongKey(let id, let given) {
            throw ChainKeyMismatch(message: "chain '\(chain)' is encrypted with key id \(id), not with the key file given (key id \(given))")
        }
        if member.layout.header.encryption == nil, key != nil {
            member.bytes.release()
            throw ChainKeyMismatch(message: "chain '\(chain)' is not encrypted: an encrypted backup cannot build on its images "
                                   + "(start an encrypted chain with --new-chain, or under another --name)")
        }
        return member
    }

    /// How the source differs from the chain's newest image, or nil when it is the same one:
    /// the same size and sector size, and the same filesystem or partition-table UUID (the same
    /// type, where neither has one; the same path, where neither has either).
    static func difference(_ image: BackupManifest, identity: SourceIdentity, size: Int64, sectorSize: Int) -> String? {
        if image.sourceSize != size { return "it holds \(size) bytes, the chain's images \(image.sourceSize)" }
        if image.sectorSize != sectorSize { return "its sectors are \(sectorSize) bytes, the chain's \(image.sectorSize)" }
        let was = image.source
        if !was.uuid.isEmpty || !identity.uuid.isEmpty {
            if was.uuid != identity.uuid { return "its UUID is '\(identity.uuid)', the chain's '\(was.uuid)'" }
        } else if !was.type.isEmpty || !identity.type.isEmpty {
            if was.type != identity.type { return "it holds '\(identity.type.isEmpty ? "no known type" : identity.type)', the chain's source '\(was.type)'" }
        } else if was.path != identity.path {
            return "it is '\(identity.path)', the chain was made from '\(was.path)' (neither has a UUID)"
        }
        return nil
    }

    /// A chain name from a source: its label, else its file name (`sda1`, `disk.img`), with
    /// anything but letters, digits, `.`, `_` and `-` made `_`.
    public static func defaultChainName(for identity: SourceIdentity) -> String {
        let base = identity.label.isEmpty ? String(identity.path.split(separator: "/").last ?? "disk") : identity.label
        let name = String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        return name.isEmpty || name.hasPrefix(".") ? "disk" + name : name
    }

    /// Whether `name` may name a chain (what `defaultChainName` makes, 1–64 characters).
    public static func isValidChainName(_ name: String) -> Bool {
        (1...64).contains(name.count) && !name.hasPrefix(".") && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}
