import SwddImage
import SwddRemote
import SwddSystem
import Synchronization

/// A repository in object storage (`s3://bucket/prefix`, `rclone:REMOTE:path`), through the
/// system rclone. Object stores have no rename and no conditional write, so the repository
/// model (an image exists once its manifest, written last, does; leases taken by writing, then
/// listing) is all that makes it safe. An image is stored as segment objects
/// (`images/ID.img.zst.segments/000000`, …: `SegmentedUpload`); this store shows it under the
/// names a directory would hold — `images/ID.img.zst`, or while an upload that can be continued
/// is unfinished `images/ID.img.zst.partial` and `.progress` — so the repository code is the same.
public struct ObjectStore: ResumableImageStore, ArchivingStore {
    public let rclone: Rclone

    public init(_ rclone: Rclone) { self.rclone = rclone }

    public var description: String { rclone.location.description }
    public var localPath: String? { nil }

    static let segmentsSuffix = ".segments"

    /// The segment directory an image name stands for, and whether the name is its `.partial`
    /// or `.progress` (nil for any other object).
    private func segments(of name: String) -> (prefix: String, role: String)? {
        guard name.hasPrefix("images/") else { return nil }
        for role in [".partial", ".progress", ""] where name.hasSuffix(".img.zst" + role) {
            return (String(name.dropLast(role.count)) + Self.segmentsSuffix, role)
        }
        return nil
    }

    public func list(_ directory: String) throws -> [String]? {
        guard directory == "images" else {
            return try rclone.names(in: directory)?.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        }
        guard let entries = try rclone.list("images", recursive: true) else { return nil }
        var names: [String] = []
        var seen = Set<String>()
        for entry in entries {
            guard let slash = entry.name.firstIndex(of: "/"), entry.name[..<slash].hasSuffix(Self.segmentsSuffix) else {
                names.append(entry.name)
                continue
            }
            let image = String(entry.name[..<slash].dropLast(Self.segmentsSuffix.count))
            if seen.insert(image).inserted { names.append(image) }
            if entry.name[entry.name.index(after: slash)...] == SegmentedUpload.progressName { names += [image + ".partial", image + ".progress"] }
        }
        // An image with a progress record is an unfinished upload, not an image.
        let unfinished = Set(names.filter { $0.hasSuffix(".progress") }.map { String($0.dropLast(".progress".count)) })
        return names.filter { !unfinished.contains($0) }
    }

    public func read(_ name: String) throws -> [UInt8]? {
        if let (prefix, role) = segments(of: name), role == ".progress" { return try rclone.read(prefix + "/" + SegmentedUpload.progressName) }
        return try rclone.read(name)
    }

    public func readAll(in directory: String, suffix: String) throws -> [(name: String, bytes: [UInt8])]? {
        // One rclone run copies them all, several at a time, into a directory of our own.
        let local = try FileSystemPath.makeTemporaryDirectory(prefix: "/tmp/swdd-objects-")
        defer {
            for name in (try? FileSystemPath.entries(of: local)) ?? [] { try? FileSystemPath.remove(local + "/" + name) }
            try? FileSystemPath.removeDirectory(local)
        }
        do {
            try rclone.copyAll(in: directory, suffix: suffix, into: local)
        } catch let failure as Rclone.Failure where failure.status == 3 {
            return nil
        }
        return try LocalDirectoryStore(local).readAll(in: "", suffix: suffix)
    }

    public func write(_ bytes: [UInt8], to name: String, replacing: Bool) throws {
        // No conditional write: the names written once are unique by construction (random ids),
        // so looking first only catches a mistake.
        if !replacing, try rclone.entry(name) != nil { throw ObjectExists(name: name) }
        try rclone.write(bytes, to: name)
    }

    /// A lease: its name is random, so it is written without looking first (one request less
    /// on every run), then the leases listed.
    public func writeThenReadAll(_ bytes: [UInt8], to name: String, in directory: String, suffix: String) throws -> [(name: String, bytes: [UInt8])] {
        try rclone.write(bytes, to: name)
        return try readAll(in: directory, suffix: suffix) ?? []
    }

    public func remove(_ name: String) throws {
        guard let (prefix, role) = segments(of: name) else { return try rclone.remove(name) }
        if role == ".progress" { return try rclone.remove(prefix + "/" + SegmentedUpload.progressName) }
        try rclone.removeAll(prefix)
    }

    public func exists(_ name: String) throws -> Bool {
        if let (prefix, role) = segments(of: name), role != ".progress" { return try !parts(prefix).isEmpty }
        return try rclone.entry(name) != nil
    }

    public func makeDirectory(_ name: String) throws { try rclone.makeDirectory(name) }

    /// An image's segments, in order, with their sizes.
    private func parts(_ prefix: String) throws -> [ObjectImageBytes.Part] {
        (try rclone.list(prefix) ?? []).filter { $0.name != SegmentedUpload.progressName }.sorted { $0.name < $1.name }
            .map { ObjectImageBytes.Part(name: prefix + "/" + $0.name, size: $0.size) }
    }

    public func openImage(_ name: String, knownSize: Int64?) throws -> any ImageBytes {
        guard let (prefix, _) = segments(of: name) else { throw Rclone.Failure(message: "'\(rclone.describe(name))' is not an image", status: 1) }
        let found = try parts(prefix)
        guard !found.isEmpty else { throw Rclone.Failure(message: "cannot read '\(rclone.describe(name))': it does not exist", status: 4) }
        return ObjectImageBytes(rclone, parts: found)
    }

    public func createImage(_ name: String) throws -> ImageOutput {
        try ImageOutput.segments(rclone, prefix: name + Self.segmentsSuffix, progress: nil)
    }

    public func createImage(_ name: String, progress: UploadProgress) throws -> ImageOutput {
        try ImageOutput.segments(rclone, prefix: name + Self.segmentsSuffix, progress: progress)
    }

    /// The complete segments that hold exactly the frames `progress` keeps stay; any segment
    /// after them (one cut short, or one sent after the record was last written) is removed.
    public func continueImage(_ name: String, progress: UploadProgress) throws -> ImageOutput {
        let prefix = name + Self.segmentsSuffix
        let found = try parts(prefix)
        var total: Int64 = 0
        var kept = 0
        while kept < found.count && total < progress.imageBytes {
            total += found[kept].size
            kept += 1
        }
        guard total == progress.imageBytes else {
            throw Rclone.Failure(message: "cannot continue the upload of '\(rclone.describe(name))': its segments do not match its progress record (use --no-resume)", status: 1)
        }
        for part in found[kept...] { try rclone.remove(part.name) }
        return try ImageOutput.segments(rclone, prefix: prefix, progress: progress, firstSegment: kept)
    }

    public func size(_ name: String) throws -> Int64 {
        guard let (prefix, _) = segments(of: name) else { return try rclone.entry(name)?.size ?? 0 }
        return try parts(prefix).reduce(0) { $0 + $1.size }
    }

    public func close() {}

    public func storageClasses() throws -> [String: String] {
        var tiers: [String: Set<String>] = [:]
        for entry in try rclone.list("images", recursive: true) ?? [] {
            guard let slash = entry.name.firstIndex(of: "/"), entry.name[..<slash].hasSuffix(Self.segmentsSuffix),
                  entry.name[entry.name.index(after: slash)...] != SegmentedUpload.progressName else { continue }
            tiers["images/" + entry.name[..<slash].dropLast(Self.segmentsSuffix.count), default: []].insert(entry.tier)
        }
        return tiers.mapValues { $0.count == 1 ? $0.first! : "mixed" }
    }

    public func archive(_ image: String, to storageClass: String) throws {
        guard let (prefix, _) = segments(of: image) else { return }
        try rclone.setTier(storageClass, of: prefix)
    }

    public func thaw(_ image: String, days: Int, priority: String) throws {
        guard let (prefix, _) = segments(of: image) else { return }
        try rclone.thaw(prefix, days: days, priority: priority)
    }

    /// How many segments are probed at once: each probe is an rclone run and a request, and a
    /// 1 TiB image has 16384 segments.
    static let probesAtOnce = 8

    /// Each segment read for one byte, `probesAtOnce` at a time: what the store answers is the
    /// truth about a thaw.
    public func readableObjects(_ image: String) throws -> (readable: Int, total: Int) {
        guard let (prefix, _) = segments(of: image) else { return (0, 0) }
        let found = try parts(prefix)
        let counts = ProbeCounts()
        let probe: @Sendable () -> Void = { [rclone] in
            while true {
                let index = counts.next.add(1, ordering: .relaxed).oldValue
                guard index < found.count else { return }
                if (try? rclone.read(found[index].name, at: 0, count: 1)).map({ !$0.isEmpty }) ?? false {
                    counts.readable.add(1, ordering: .relaxed)
                }
            }
        }
        let helpers = (1..<max(1, min(Self.probesAtOnce, found.count))).compactMap { _ in IOThread.start(probe) }
        probe()
        for helper in helpers { helper.join() }
        return (counts.readable.load(ordering: .relaxed), found.count)
    }
}

/// The shared state of `readableObjects`' probes: the next segment to probe, and how many were readable.
private final class ProbeCounts: Sendable {
    let next = Atomic<Int>(0)
    let readable = Atomic<Int>(0)
}
