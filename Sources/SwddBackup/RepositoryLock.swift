import SwddEngine
import SwddImage
import SwddSystem
import Synchronization

/// A lease on a repository, held while a command uses it (restic's lock design): a small
/// object in `locks/` naming the host, the process, a random id, the kind of use and when the
/// lease expires; renewed while the command runs, removed when it ends.
///
/// Taken by writing first and listing after (restic's write-then-list check, which needs no
/// atomic compare-and-swap from the store): a lock that conflicts with another live one is
/// withdrawn and the command refused, so of two racing commands at least one backs off and
/// none proceeds alongside a conflicting one. A lease is stale — ignored and removed — when it
/// has expired, or when it was taken on this host by a process that no longer runs (`kill -9`).
public final class RepositoryLock: Sendable {
    /// What a command does to the repository, which decides what it can run alongside.
    public enum Use: String, Sendable {
        /// restore, verify, mount, repo: read images; only `exclusive` conflicts.
        case read
        /// backup: adds images; one at a time (a chain grows one image at a time).
        case append
        /// prune: removes images; alone.
        case exclusive

        func conflicts(with other: Use) -> Bool {
            switch (self, other) {
            case (.exclusive, _), (_, .exclusive), (.append, .append): true
            default: false
            }
        }

        var holderName: String {
            switch self {
            case .read: "reading"
            case .append: "a backup"
            case .exclusive: "a prune"
            }
        }
    }

    /// Another live process holds a lock this one conflicts with.
    public struct Busy: Error, Sendable {
        public var repository: String
        public var holder: Lease

        public var message: String {
            "repository '\(repository)' is locked by \(holder.use.holderName) on \(holder.host) (PID \(holder.pid)) since "
                + LocalTime(secondsSinceEpoch: holder.created).text + "; try again when it has finished"
        }
    }

    /// A lease's content.
    public struct Lease: Sendable, Equatable {
        public var id: String
        public var use: Use
        public var host: String
        public var pid: Int32
        public var created: Int64
        public var expires: Int64

        func encoded() -> [UInt8] {
            Array("swdd-lock 1\nid \(id)\nuse \(use.rawValue)\nhost \(host)\npid \(pid)\ncreated \(created)\nexpires \(expires)\n".utf8)
        }

        static func decode(_ bytes: [UInt8]) -> Lease? {
            var values: [String: String] = [:]
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            guard lines.first == "swdd-lock 1" else { return nil }
            for line in lines.dropFirst() {
                let parts = line.split(separator: " ", maxSplits: 1)
                if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
            }
            guard let id = values["id"], let use = values["use"].flatMap(Use.init(rawValue:)), let host = values["host"],
                  let pid = values["pid"].flatMap({ Int32($0) }), let created = values["created"].flatMap({ Int64($0) }),
                  let expires = values["expires"].flatMap({ Int64($0) }) else { return nil }
            return Lease(id: id, use: use, host: host, pid: pid, created: created, expires: expires)
        }

        /// Whether nobody holds this lease any more.
        func isStale(now: Int64, host thisHost: String) -> Bool {
            expires < now || (host == thisHost && !HostIdentity.isRunning(pid))
        }
    }

    /// How long a lease lasts without renewal, and how often it is renewed.
    public static let leaseSeconds: Int64 = 600
    static let renewalNanoseconds: UInt64 = 60_000_000_000

    private let store: any RepositoryStore
    private let lease: Mutex<Lease>
    private let renewal: Mutex<ProgressTicker?> = Mutex(nil)
    /// Whether the lease was written: a reader of a repository it cannot write holds none.
    private let isWritten: Bool

    private var name: String { "locks/" + lease.withLock { $0.id } + ".lock" }

    private init(store: any RepositoryStore, lease: Lease, isWritten: Bool = true) {
        self.store = store
        self.lease = Mutex(lease)
        self.isWritten = isWritten
    }

    /// Takes a lease for `use`, or throws `Busy` naming the holder of a conflicting one.
    /// Stale leases found on the way are removed.
    public static func acquire(_ repository: BackupRepository, for use: Use) throws -> RepositoryLock {
        let now = WallClock.secondsSinceEpoch()
        let id = (0..<8).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        let host = HostIdentity.hostName
        let lease = Lease(id: id, use: use, host: host, pid: currentProcessID(), created: now, expires: now + leaseSeconds)
        let store = repository.store
        let lock = RepositoryLock(store: store, lease: lease)
        let leases: [(name: String, bytes: [UInt8])]
        do {
            leases = try store.writeThenReadAll(lease.encoded(), to: lock.name, in: "locks", suffix: ".lock")
        } catch is ObjectExists {
            throw ObjectExists(name: lock.name)  // another lease with this id: not ours to remove
        } catch let error as SystemError where use == .read && Self.refusesWrites(error) {
            // A backup disk mounted read-only (the careful way to restore from one), or a
            // repository of another user's: it is read without a lease. Nothing can prune a
            // read-only mount; a prune by the owner while this reads makes the read fail (every
            // frame is checked), never return wrong bytes. A prune running now is still waited for.
            try refuseConflicts(store.readAll(in: "locks", suffix: ".lock") ?? [], except: id, for: use, now: now,
                                repository: repository.path, removingStale: nil)
            return RepositoryLock(store: store, lease: lease, isWritten: false)
        } catch {
            try? store.remove(lock.name)  // written, perhaps, before the listing failed
            throw error
        }
        do {
            try refuseConflicts(leases, except: id, for: use, now: now, repository: repository.path, removingStale: store)
        } catch {
            lock.release()
            throw error
        }
        lock.renewal.withLock { $0 = ProgressTicker.start(interval: renewalNanoseconds) { [weak lock] in lock?.renew() } }
        return lock
    }

    /// Throws `Busy` for the first live lease `use` conflicts with; stale leases are removed
    /// through `removingStale` (none when this process cannot write the repository).
    private static func refuseConflicts(_ leases: [(name: String, bytes: [UInt8])], except id: String, for use: Use, now: Int64,
                                        repository: String, removingStale store: (any RepositoryStore)?) throws {
        let host = HostIdentity.hostName
        for (name, bytes) in leases where name != id + ".lock" {
            guard let held = Lease.decode(bytes) else { continue }
            if held.isStale(now: now, host: host) {
                try? store?.remove("locks/" + name)
            } else if use.conflicts(with: held.use) {
                throw Busy(repository: repository, holder: held)
            }
        }
    }

    /// A write the repository's filesystem or its permissions refuse, as opposed to one that
    /// failed on the way (a full disk, an I/O error), which is reported.
    private static func refusesWrites(_ error: SystemError) -> Bool {
        [.readOnlyFileSystem, .permissionDenied, .notPermitted].contains(error.code)
    }

    /// Extends the lease (a new expiry, written over the old lease atomically).
    func renew() {
        guard isWritten else { return }
        let renewed = lease.withLock { lease -> Lease in
            lease.expires = WallClock.secondsSinceEpoch() + Self.leaseSeconds
            return lease
        }
        try? store.write(renewed.encoded(), to: name, replacing: true)
    }

    /// Ends the lease. Safe to call more than once.
    public func release() {
        renewal.withLock { ticker in
            ticker?.stop()
            ticker = nil
        }
        if isWritten { try? store.remove(name) }
    }
}
