/// A store whose objects have storage classes (S3's STANDARD, GLACIER, DEEP_ARCHIVE, …): an
/// image can be moved to a cold, cheap class, and an archived one must be thawed (S3's restore)
/// before it can be read.
public protocol ArchivingStore: RepositoryStore {
    /// Each image's storage class, by image name (`images/ID.img.zst`); a class the image's
    /// objects do not all share is given as "mixed".
    func storageClasses() throws -> [String: String]
    /// Moves the image's objects to `storageClass`.
    func archive(_ image: String, to storageClass: String) throws
    /// Asks the store to make the image's archived objects readable for `days`.
    func thaw(_ image: String, days: Int, priority: String) throws
    /// How many of the image's objects can be read now, of how many.
    func readableObjects(_ image: String) throws -> (readable: Int, total: Int)
}

/// Storage classes whose objects must be thawed before they can be read (S3 Glacier Flexible
/// Retrieval and Deep Archive; Azure's Archive tier). Glacier Instant Retrieval reads as usual.
public enum ColdStorage {
    public static let classes: Set<String> = ["GLACIER", "DEEP_ARCHIVE", "Archive"]

    public static func needsThaw(_ storageClass: String) -> Bool { classes.contains(storageClass) }
}
