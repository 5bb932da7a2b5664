/// Which images `prune --archive-after AGE` moves to a cold storage class: those created
/// before the cutoff, but never one that an image staying in its warm class inherits blocks
/// from (restoring that newer point would need a thaw first) unless told (`includingNeeded`),
/// and never one already in the archive class.
public struct ArchivePolicy: Sendable, Equatable {
    /// Images created before this (seconds since the epoch) are old enough.
    public var cutoff: Int64
    public var storageClass: String
    public var includingNeeded: Bool

    public init(cutoff: Int64, storageClass: String, includingNeeded: Bool = false) {
        self.cutoff = cutoff
        self.storageClass = storageClass
        self.includingNeeded = includingNeeded
    }

    public struct Choice: Sendable, Equatable {
        /// Ids of the images to move.
        public var archive: [String] = []
        /// Ids of old images kept warm because a warm image needs them.
        public var neededByWarm: [String] = []
    }

    /// `images`: the kept images of one chain; `classes`: each one's storage class by id.
    public func choose(_ images: [BackupManifest], classes: [String: String]) -> Choice {
        let byID = Dictionary(images.map { ($0.idText, $0) }, uniquingKeysWith: { first, _ in first })
        let old = Set(images.filter { $0.created < cutoff }.map(\.idText))
        let alreadyCold = Set(images.filter { classes[$0.idText] == storageClass }.map(\.idText))
        var needed = Set<String>()
        for image in images where !old.contains(image.idText) && !alreadyCold.contains(image.idText) {
            var parent = image.parentText
            while let id = parent, let found = byID[id], needed.insert(id).inserted {
                parent = found.parentText
            }
        }
        var choice = Choice()
        for image in images where old.contains(image.idText) && !alreadyCold.contains(image.idText) {
            if needed.contains(image.idText) && !includingNeeded {
                choice.neededByWarm.append(image.idText)
            } else {
                choice.archive.append(image.idText)
            }
        }
        return choice
    }
}
