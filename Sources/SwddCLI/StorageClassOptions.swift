import ArgumentParser
import SwddRemote

/// `--storage-class`: the class new images are written in, in object storage.
struct StorageClassOptions: ParsableArguments {
    @Option(name: .customLong("storage-class"),
            help: ArgumentHelp("The storage class of new images in object storage (S3: STANDARD, STANDARD_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE, …).",
                               valueName: "class"))
    var storageClass: String?

    /// Refuses the option for a destination that is not in object storage.
    func check(destination: String) throws {
        guard let storageClass, !ObjectLocation.isObjectStore(destination) else { return }
        throw ValidationError("--storage-class \(storageClass) applies to s3:// and rclone: destinations; '\(destination)' is not one")
    }
}
