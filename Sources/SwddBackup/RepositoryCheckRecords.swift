import SwddImage

/// The `verify --fsck` records of a repository's images: `fsck/ID-TIME.fsck`, a new write-once
/// object for each run (objects are never changed), the newest of an image's winning.
extension BackupRepository {
    static let checkDirectory = "fsck"

    /// Stores `record` as a new object; a second run in the same second gets `ID-TIME-2.fsck`.
    public func publish(_ record: FilesystemCheckRecord) throws {
        try store.makeDirectory(Self.checkDirectory)
        let stem = "\(Self.checkDirectory)/\(record.imageText)-\(record.checked)"
        for attempt in 1...100 {
            do {
                try store.write(record.encoded(), to: stem + (attempt == 1 ? "" : "-\(attempt)") + ".fsck", replacing: false)
                return
            } catch is ObjectExists {
                continue
            }
        }
        throw ObjectExists(name: stem + ".fsck")
    }

    /// The newest readable record of each image, by image id (hex). A record that does not
    /// decode (cut short by a crash) is left out, as if that run had not happened.
    public func latestCheckRecords() throws -> [String: FilesystemCheckRecord] {
        var latest: [String: (record: FilesystemCheckRecord, order: (Int64, Int))] = [:]
        for (name, bytes) in try store.readAll(in: Self.checkDirectory, suffix: ".fsck") ?? [] {
            guard let record = try? FilesystemCheckRecord.decode(bytes) else { continue }
            let order = (record.checked, Self.attempt(inName: name))
            if let known = latest[record.imageText], known.order >= order { continue }
            latest[record.imageText] = (record, order)
        }
        return latest.mapValues(\.record)
    }

    /// Removes every record of `id`'s image (prune, after the image itself).
    func removeCheckRecords(of id: String) throws {
        for name in try store.list(Self.checkDirectory) ?? [] where name.hasPrefix(id + "-") && name.hasSuffix(".fsck") {
            try store.remove(Self.checkDirectory + "/" + name)
        }
    }

    /// `ID-TIME-N.fsck` → N; `ID-TIME.fsck` → 1.
    private static func attempt(inName name: String) -> Int {
        let parts = name.dropLast(".fsck".count).split(separator: "-")
        return parts.count == 3 ? Int(parts[2]) ?? 1 : 1
    }
}
