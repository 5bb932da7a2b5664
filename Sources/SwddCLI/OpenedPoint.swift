import ArgumentParser
import SwddBackup
import SwddImage
import SwddRemote
import SwddSystem

/// A restore point opened for reading at random (`mount`, `verify --fsck`): an image file with
/// the parents beside it, or a repository's point picked by `--at` and `--name`, read under a
/// `read` lease so no prune removes an image while it is read.
struct OpenedPoint {
    var point: RestorePoint
    var lock: RepositoryLock?
    /// How messages name it: `'IMAGE'`, or the repository, its time and image id.
    var description: String
    /// Where `verify --fsck` keeps what it found: beside the image file, or in the repository.
    var checkRecordPlace: CheckRecordPlace

    enum CheckRecordPlace {
        case besideImage(String)
        case repository(BackupRepository)
        /// Beside an image object in object storage (`NAME.fsck`, replaced).
        case besideObject(Rclone, name: String)
    }

    /// Keeps `record` where this point's records go (`IMAGE.fsck`, replaced; or a new
    /// `fsck/ID-TIME.fsck` object of the repository).
    func keep(_ record: FilesystemCheckRecord) throws {
        switch checkRecordPlace {
        case .besideImage(let path):
            try FileSystemPath.writeAtomically(record.encoded(), to: FilesystemCheckRecord.path(besideImage: path), replacing: true)
        case .repository(let repository):
            try repository.publish(record)
        case .besideObject(let rclone, let name):
            try rclone.write(record.encoded(), to: FilesystemCheckRecord.path(besideImage: name))
        }
    }

    /// Ends the lease and closes the images.
    func release() {
        point.release()
        lock?.release()
    }

    /// Opens `location` for `purpose` ("mount", "check"), or says why not and exits (1; 2 for
    /// misused options; 4 for a damaged image; 5 for a repository another process locks).
    static func open(_ location: String, at: String?, name: String?, purpose: String, key: ImageKey?, remote: RemoteOptions = RemoteOptions()) throws -> OpenedPoint {
        let support = ImageCommandSupport.self
        let objectRepository = try ObjectLocation.isObjectStore(location)
            && BackupRepository.isRepository(ObjectStore(support.rclone(for: location, remote: remote)))
        if BackupRepository.isRepository(location) || objectRepository {
            var repository = try support.openRepository(location, remote: remote)
            repository.key = key
            let lock = try support.lock(repository, for: .read)
            do {
                let manifests = try support.manifests(of: repository)
                let chosen = try support.select(at, name: name, in: manifests, repository: location)
                try StorageClassColumn.requireThawed(chosen, among: manifests, in: repository, location: location, purpose: purpose)
                let point: RestorePoint
                do {
                    point = try repository.restorePoint(chosen, among: manifests)
                } catch {
                    support.complain("cannot \(purpose) \(chosen.kind.name) image \(chosen.shortName) of '\(location)': \(support.reason(error))")
                    throw ExitCode(support.exitStatus(for: error))
                }
                let when = LocalTime(secondsSinceEpoch: chosen.created).text
                return OpenedPoint(point: point, lock: lock,
                                   description: "'\(location)' as of \(when) (\(chosen.kind.name) image \(chosen.shortName) of chain '\(chosen.chain)')",
                                   checkRecordPlace: .repository(repository))
            } catch {
                lock.release()
                throw error
            }
        }
        if ObjectLocation.isObjectStore(location) {
            let (rclone, object) = try support.objectImage(location, remote: remote)
            return try openImage(location, at: at, name: name, purpose: purpose, place: .besideObject(rclone, name: object)) {
                try ImageChainFiles.point(object: object, in: rclone, key: key)
            }
        }
        return try openImage(location, at: at, name: name, purpose: purpose, place: .besideImage(location)) {
            try ImageChainFiles.point(opening: location, key: key)
        }
    }

    /// An image (a file, or an object in object storage) with its parents beside it, complete.
    private static func openImage(_ location: String, at: String?, name: String?, purpose: String, place: CheckRecordPlace,
                                  _ open: () throws -> RestorePoint) throws -> OpenedPoint {
        let support = ImageCommandSupport.self
        try support.refuseRestorePointOptions(at: at, name: name, for: location)
        do {
            let point = try open()
            do {
                try point.checkComplete()
            } catch {
                point.release()
                throw error
            }
            return OpenedPoint(point: point, lock: nil, description: "'\(location)'", checkRecordPlace: place)
        } catch let error as ImageFormatError {
            support.complain("cannot \(purpose) '\(location)': \(error.reason)")
            throw ExitCode(support.status(for: error))
        } catch {
            support.complain("cannot \(purpose) '\(location)': \(support.reason(error))")
            throw ExitCode(support.failed)
        }
    }
}
