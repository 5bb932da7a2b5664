import ArgumentParser
import SwddBackup
import SwddDisks
import SwddImage
import SwddRemote
import SwddSystem

/// What the repository commands (backup, restore and verify of a repository, repo, prune)
/// share: opening one, its locks, and the exit statuses that go with them.
extension ImageCommandSupport {
    /// Another process holds the repository (DESIGN's exit status 5).
    static let locked: Int32 = 5

    /// Opens (or with `creating`, creates) the repository at `location` — a directory,
    /// `ssh://…` through the system ssh (`remote.ssh` is the user's `--ssh` command), or object
    /// storage (`s3://…`, `rclone:…`) through the system rclone — or says why not and exits 1.
    static func openRepository(_ location: String, creating: Bool = false, remote: RemoteOptions = RemoteOptions(),
                               storageClass: String? = nil) throws -> BackupRepository {
        let store = try store(for: location, remote: remote, storageClass: storageClass)
        do {
            return creating ? try BackupRepository.openOrCreate(store) : try BackupRepository.open(store)
        } catch let problem as BackupRepository.Problem {
            complain(problem.message)
        } catch {
            complain("cannot use repository '\(location)': \(reason(error))")
        }
        store.close()
        throw ExitCode(failed)
    }

    /// The store a location names, connected; one line and exit 1 (2 for a malformed one) if not.
    static func store(for location: String, remote: RemoteOptions, storageClass: String? = nil) throws -> any RepositoryStore {
        if ObjectLocation.isObjectStore(location) { return ObjectStore(try rclone(for: location, remote: remote, storageClass: storageClass)) }
        guard RemoteLocation.isRemote(location) else { return LocalDirectoryStore(location) }
        let files = try remoteFiles(location, ssh: remote.ssh)
        return SshStore(files.files, root: files.path)
    }

    /// An image object in object storage: rclone rooted at its directory, and its name there.
    static func objectImage(_ location: String, remote: RemoteOptions, storageClass: String? = nil) throws -> (rclone: Rclone, name: String) {
        let whole = try rclone(for: location, remote: remote, storageClass: storageClass)
        let (directory, name) = whole.location.directoryAndName
        guard !name.isEmpty else {
            complain("'\(location)' names no image object (s3://bucket/path/NAME.img.zst)")
            throw ExitCode(2)
        }
        return (Rclone(directory, s3Endpoint: remote.s3Endpoint, storageClass: storageClass), name)
    }

    /// rclone reaching an `s3://` or `rclone:` location; one line and exit 2 for a malformed one.
    static func rclone(for location: String, remote: RemoteOptions, storageClass: String? = nil) throws -> Rclone {
        do {
            return Rclone(try ObjectLocation.parse(location), s3Endpoint: remote.s3Endpoint, storageClass: storageClass)
        } catch {
            complain(error.reason)
            throw ExitCode(2)
        }
    }

    /// A connection to the machine an `ssh://` location names, and the path there.
    static func remoteFiles(_ location: String, ssh: String?) throws -> (files: RemoteFiles, path: RemotePath) {
        let parsed: RemoteLocation
        do {
            parsed = try RemoteLocation.parse(location)
        } catch {
            complain(error.reason)
            throw ExitCode(2)
        }
        guard let command = ShellQuoting.split(ssh ?? "ssh"), !command.isEmpty else {
            complain("invalid --ssh '\(ssh ?? "")': an unclosed quote")
            throw ExitCode(2)
        }
        do {
            return (RemoteFiles(try SshSession(parsed, sshCommand: command)), parsed.path)
        } catch {
            complain("cannot reach '\(location)': \(reason(error))")
            throw ExitCode(failed)
        }
    }

    /// Takes a lease on `repository` for `use`, or names the holder and exits 5.
    static func lock(_ repository: BackupRepository, for use: RepositoryLock.Use) throws -> RepositoryLock {
        do {
            return try RepositoryLock.acquire(repository, for: use)
        } catch let busy as RepositoryLock.Busy {
            complain(busy.message)
            throw ExitCode(locked)
        } catch {
            complain("cannot lock repository '\(repository.path)': \(reason(error))")
            throw ExitCode(failed)
        }
    }

    /// The repository's manifests, or the problem and exit 1.
    static func manifests(of repository: BackupRepository) throws -> [BackupManifest] {
        do {
            return try repository.manifests()
        } catch let problem as BackupRepository.Problem {
            complain(problem.message)
        } catch {
            complain("cannot read repository '\(repository.path)': \(reason(error))")
        }
        throw ExitCode(failed)
    }

    /// `--at` and `--name` given for `location`, which is an image, not a repository: exit 2.
    static func refuseRestorePointOptions(at: String?, name: String?, for location: String) throws {
        guard at != nil || name != nil else { return }
        complain("--at and --name pick a restore point of a repository; '\(location)' is not one")
        throw ExitCode(2)
    }

    /// The image `--name` and `--at` pick, or the reason there is none and exit 1 (2 for a
    /// malformed `--at`).
    static func select(_ at: String?, name: String?, in manifests: [BackupManifest], repository: String) throws -> BackupManifest {
        guard let point = PointInTime.parse(at ?? "latest") else {
            complain("invalid --at '\(at ?? "")': expected latest, an image id, or a time such as 2026-12-01T18:30")
            throw ExitCode(2)
        }
        var candidates = manifests
        if let name {
            candidates = manifests.filter { $0.chain == name }
            if candidates.isEmpty {
                complain("repository '\(repository)' has no chain '\(name)' (it has: \(chainNames(manifests)))")
                throw ExitCode(failed)
            }
        } else if case .id = point {
            // An id names one image whatever its chain.
        } else if Set(manifests.map(\.chain)).count > 1 {
            complain("repository '\(repository)' holds several chains (\(chainNames(manifests))): name one with --name")
            throw ExitCode(2)
        }
        let chosen: BackupManifest?
        do {
            chosen = try point.select(from: candidates)
        } catch {
            complain(error.message)
            throw ExitCode(failed)
        }
        if let chosen { return chosen }
        complain(candidates.isEmpty ? "repository '\(repository)' holds no images yet" : "repository '\(repository)' has no image at '\(at ?? "latest")'")
        throw ExitCode(failed)
    }

    static func chainNames(_ manifests: [BackupManifest]) -> String {
        let names = Set(manifests.map(\.chain)).sorted()
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }

    /// libblkid's view of a source being imaged (type, UUID, label), for the image's metadata.
    static func identity(of input: ImageInput, path: String, sectorSize: Int) -> SourceIdentity {
        guard case .range(let descriptor, let range, _) = input,
              let facts = try? FilesystemProbe.probe(descriptor, offset: 0, length: UInt64(range.upperBound), sectorSize: sectorSize) else {
            return SourceIdentity(path: path)
        }
        return SourceIdentity(path: path, type: facts.type, uuid: facts.uuid ?? "", label: facts.label ?? "")
    }
}

/// `--ssh`: the ssh command for `ssh://` locations, as rsync's `-e` takes it.
struct RemoteOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The command that reaches ssh:// locations (default: ssh), e.g. 'ssh -i key.pem -o Port=2222'.", valueName: "command"))
    var ssh: String?

    @Option(name: .customLong("s3-endpoint"),
            help: ArgumentHelp("The server of s3:// locations, for S3-compatible storage (MinIO, Ceph RGW, Garage), e.g. http://127.0.0.1:9000.", valueName: "url"))
    var s3Endpoint: String?
}
