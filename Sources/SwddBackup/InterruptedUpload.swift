import SwddImage

/// An upload a killed run or a lost connection left in a remote repository
/// (`images/ID.img.zst.partial` and its sidecar `.progress`), and whether this run may continue
/// it: the same chain, kind, parent, source and options (the sidecar's key), and its frames
/// present up to some point. Whether the source's blocks still hash as they did is checked as
/// the run reads them again (`ImageWriter.write(resuming:)`).
struct InterruptedUpload {
    /// The image's name in the store (`images/ID.img.zst`).
    var name: String
    var id: [UInt8]
    /// The frames kept: those wholly in the partial.
    var progress: UploadProgress

    /// What a run must match to continue an upload.
    static func key(chain: String, kind: ImageKind, parent: BackupManifest?, identity: SourceIdentity, sourceSize: Int64,
                    sectorSize: Int, options: ImageOptions) -> String {
        let o = ImageWriter.effective(options)
        return ["chain=\(chain)", "kind=\(kind.name)", "parent=\(parent?.idText ?? "none")", "source path=\(identity.path)",
                "source type=\(identity.type)", "source UUID=\(identity.uuid)", "source label=\(identity.label)",
                "source size=\(sourceSize)", "sector size=\(sectorSize)", "compression=\(o.store ? "none" : "zstd level \(o.level)")",
                "chunk size=\(o.chunkSize)", "block size=\(o.blockSize)", "block hash=\(o.hash)",
                "free ranges=\(o.freeRanges.count)", ""].joined(separator: "\n")
    }

    /// Whether a run with these options records its progress (`--keep-going` and `--bmap`
    /// runs keep more per frame than a sidecar records: they start over). An encrypted run's
    /// records are sealed with its image's key.
    static func records(_ options: ImageOptions) -> Bool { !options.keepGoing && !options.bmap }

    /// The interrupted upload of `chain` among `orphans` (names in `store`), or nil; `reason`
    /// receives why one found cannot be continued. `imageKey` opens an encrypted run's sidecar
    /// (one sealed with another key, or none given, is not this run's).
    static func find(among orphans: [String], in store: any ResumableImageStore, key: String, chain: String, imageKey: ImageKey?,
                     header: ([UInt8]) -> [UInt8], reason: (String) -> Void) throws -> InterruptedUpload? {
        for sidecar in orphans where sidecar.hasSuffix(".img.zst.progress") {
            let name = String(sidecar.dropLast(".progress".count))
            guard orphans.contains(name + ".partial"), let id = idBytes(name), let bytes = try store.read(sidecar),
                  let recorded = UploadProgress.decode(bytes, sealing: imageKey, imageID: id),
                  recorded.key.hasPrefix("chain=\(chain)\n") else { continue }
            let what = "the interrupted upload of '\(store.description)/\(name).partial'"
            if let difference = recorded.keyDifference(key) {
                reason("not continuing \(what): \(difference)")
                return nil
            }
            guard recorded.header == header(id) else {
                reason("not continuing \(what): its header is not this run's")
                return nil
            }
            guard let kept = recorded.keeping(partialSize: try store.size(name + ".partial")), !kept.frames.isEmpty else {
                reason("not continuing \(what): not one frame of it arrived whole")
                return nil
            }
            return InterruptedUpload(name: name, id: id, progress: kept)
        }
        return nil
    }

    /// The id an image file's name (`images/HEX.img.zst`) spells.
    private static func idBytes(_ name: String) -> [UInt8]? {
        let hex = Array(name.split(separator: "/").last?.dropLast(".img.zst".count) ?? "")
        guard hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: 32, by: 2) {
            guard let byte = UInt8(String(hex[i...i + 1]), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
