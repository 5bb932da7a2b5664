import Testing
@testable import SwddBackup
import SwddImage

/// Which images `prune --archive-after` moves to a cold class.
@Suite struct ArchivePolicyTests {
    static func image(_ id: UInt8, _ kind: ImageKind, parent: UInt8?, day: Int64) -> BackupManifest {
        BackupManifest(id: Array(repeating: id, count: 16), chain: "c", kind: kind, parent: parent.map { Array(repeating: $0, count: 16) },
                       created: day * 86_400, source: SourceIdentity(path: "/dev/x"), sourceSize: 1 << 20, sectorSize: 512,
                       blockSize: 1 << 20, imageBytes: 1, storedBlocks: 1, inheritedBlocks: 0, zeroBlocks: 0)
    }

    static func id(_ byte: UInt8) -> String { ImageWriter.hex(Array(repeating: byte, count: 16)) }

    /// Two chains of a full and incrementals: days 1–3 on full 1, days 40–41 on full 4.
    static let images = [image(1, .full, parent: nil, day: 1), image(2, .incremental, parent: 1, day: 2), image(3, .incremental, parent: 2, day: 3),
                         image(4, .full, parent: nil, day: 40), image(5, .incremental, parent: 4, day: 41)]

    @Test func oldImagesGoColdWhenNoWarmImageNeedsThem() {
        let choice = ArchivePolicy(cutoff: 30 * 86_400, storageClass: "GLACIER").choose(Self.images, classes: [:])
        #expect(choice.archive == [1, 2, 3].map(Self.id))
        #expect(choice.neededByWarm.isEmpty)
    }

    @Test func aParentOfAWarmImageStaysWarmUnlessTold() {
        // Cutoff at day 41: full 4 is old, but incremental 5 (new, warm) inherits from it.
        let policy = ArchivePolicy(cutoff: 41 * 86_400, storageClass: "GLACIER")
        let choice = policy.choose(Self.images, classes: [:])
        #expect(choice.archive == [1, 2, 3].map(Self.id))
        #expect(choice.neededByWarm == [Self.id(4)])
        var told = policy
        told.includingNeeded = true
        #expect(told.choose(Self.images, classes: [:]).archive == [1, 2, 3, 4].map(Self.id))
    }

    @Test func aWarmChildOfAnOldIncrementalKeepsTheWholeChainWarm() {
        // Only image 3 is new: 1 and 2 are old but it inherits from both.
        let choice = ArchivePolicy(cutoff: 3 * 86_400, storageClass: "GLACIER").choose(Array(Self.images.prefix(3)), classes: [:])
        #expect(choice.archive.isEmpty)
        #expect(choice.neededByWarm == [1, 2].map(Self.id))
    }

    @Test func imagesAlreadyInTheClassAreLeftAlone() {
        let classes = [Self.id(1): "GLACIER", Self.id(2): "GLACIER", Self.id(3): "STANDARD"]
        let choice = ArchivePolicy(cutoff: 30 * 86_400, storageClass: "GLACIER").choose(Self.images, classes: classes)
        #expect(choice.archive == [Self.id(3)])
        // An image already archived does not hold its parents warm.
        let cold = ArchivePolicy(cutoff: 3 * 86_400, storageClass: "GLACIER").choose(Array(Self.images.prefix(3)), classes: [Self.id(3): "GLACIER"])
        #expect(cold.archive == [1, 2].map(Self.id))
    }
}
