import ArgumentParser
import SwddEngine
import SwddFilesystems
import SwddImage
import SwddSystem

/// `--used` for `image` and `backup`: the policy around `UsedBlockSurvey`. Off by default:
/// an image of every block is what dd users expect, and the deleted data in free space is
/// sometimes what an image is made for (forensics, undelete); `--used` asks for less.
struct UsedBlocksOptions: ParsableArguments {
    @Flag(help: "Read only the blocks the filesystems of SOURCE use (ext2/3/4, FAT, exFAT, swap), on a partition or each partition of a disk; free blocks are recorded unused and never read.")
    var used = false

    /// One line and exit 2 for `--used` on a source it cannot apply to.
    func check(source: String) throws {
        if used && source == "-" {
            ImageCommandSupport.complain("--used needs a device or file whose filesystems it can read: standard input cannot be")
            throw ExitCode(2)
        }
    }

    /// Surveys SOURCE's filesystems (under the freeze, when `frozen`, so the bitmaps read are
    /// the ones the blocks are read under), prints one line per filesystem unless `quiet`, and
    /// sets what the image leaves out.
    func apply(to options: inout ImageOptions, source: String, input: ImageInput, sectorSize: Int, frozen: Bool, quiet: Bool) {
        guard used, case .range(let descriptor, let range, _) = input else { return }
        let mounted = frozen ? [] : Self.readWriteMountOffsets(of: descriptor)
        let usages = UsedBlockSurvey.survey(path: source, descriptor: descriptor, size: range.upperBound, sectorSize: sectorSize,
                                            readWriteMounted: mounted)
        options.freeRanges = UsedBlockSurvey.freeRanges(of: usages)
        options.filesystems = usages.map(Self.record)
        if !quiet { for usage in usages { ImageCommandSupport.complain(Self.line(usage)) } }
    }

    /// "used: partition 2, ext4: 612 MiB used of 2.0 GiB" / "used: xfs kept in full: …"
    static func line(_ usage: FilesystemUsage) -> String {
        let place = usage.partition.map { "partition \($0)" + (usage.type.isEmpty ? "" : ", \(usage.type)") } ?? (usage.type.isEmpty ? "source" : usage.type)
        let total = usage.range.upperBound - usage.range.lowerBound
        switch usage.finding {
        case .used:
            return "used: \(place): \(ProgressLine.binarySize(usage.usedBytes)) used of \(ProgressLine.binarySize(total))"
        case .keptInFull(let reason):
            return "used: \(place): kept in full (\(ProgressLine.binarySize(total))): \(reason)"
        }
    }

    static func record(_ usage: FilesystemUsage) -> FilesystemRecord {
        var reason = ""
        if case .keptInFull(let why) = usage.finding { reason = why }
        return FilesystemRecord(offset: usage.range.lowerBound, length: usage.range.upperBound - usage.range.lowerBound,
                                partition: usage.partition ?? 0, type: usage.type, usedBytes: usage.usedBytes, keptInFullBecause: reason)
    }

    /// One filesystem in `--json` output.
    static func json(_ r: FilesystemRecord) -> String {
        "{\"partition\": \(r.partition), \"type\": \(r.type.jsonQuoted), \"offset\": \(r.offset), \"bytes\": \(r.length), "
            + "\"used_bytes\": \(r.usedBytes), \"kept_in_full\": \(r.keptInFullBecause.isEmpty ? "null" : r.keptInFullBecause.jsonQuoted)}"
    }

    /// Where in SOURCE the filesystems mounted read-write from it start: 0 for the device (or
    /// loop device) itself, a partition's start (sysfs counts it in 512-byte sectors) otherwise.
    static func readWriteMountOffsets(of descriptor: FileDescriptor) -> Set<Int64> {
        guard let status = try? descriptor.status() else { return [] }
        var offsets: Set<Int64> = []
        for entry in MountTable.current().filesystems(heldBy: status) where !entry.isReadOnly {
            let start = readText("/sys/dev/block/\(entry.major):\(entry.minor)/start")
                .flatMap { Int64($0.split(separator: "\n").first ?? "") } ?? 0
            offsets.insert(start * 512)
        }
        return offsets
    }
}
