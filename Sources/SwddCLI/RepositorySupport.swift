import ArgumentParser
import SwddBackup
import SwddDisks
import SwddImage
import SwddSystem

/// What the repository commands (backup, restore and verify of a repository, repo, prune)
/// share: opening one, its locks, and the exit statuses that go with them.
extension ImageCommandSupport {
    /// Another process holds the repository (DESIGN's exit status 5).
    static let locked: Int32 = 5

    /// Opens (or with `creating`, creates) the repository at `path`, or says why not and exits 1.
    static func openRepository(_ path: String, creating: Bool = false) throws -> BackupRepository {
        do {
            return creating ? try BackupRepository.openOrCreate(path) : try BackupRepository.open(path)
        } catch let problem as BackupRepository.Problem {
            complain(problem.message)
        } catch {
            complain("cannot use repository '\(path)': \(reason(error))")
        }
        throw ExitCode(failed)
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
