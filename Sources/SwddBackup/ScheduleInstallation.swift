import SwddSystem

/// The schedules under a root directory (`/`, or `--root DIR` so that tests and image builds
/// never touch the real `/etc`): which kind fits there, what is installed, and writing and
/// removing swdd's own files. systemd is chosen where it runs (`/run/systemd/system` exists
/// under the root, as sd_booted(3) checks), cron.d elsewhere.
public struct ScheduleInstallation: Sendable {
    public let root: String

    public init(root: String = "/") {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
    }

    /// `path` (absolute, as on the running system) under the root.
    public func path(_ path: String) -> String { root == "/" ? path : root + path }

    public var systemdRuns: Bool { FileSystemPath.exists(path("/run/systemd/system")) }

    public var defaultKind: ScheduleFiles.Kind { systemdRuns ? .systemd : .cron }

    /// Why `defaultKind` is what it is, for the output.
    public var kindReason: String {
        systemdRuns ? "systemd runs here (\(path("/run/systemd/system")) exists)" : "systemd does not run here (no \(path("/run/systemd/system")))"
    }

    public struct Listing: Sendable {
        /// By name; a name installed as both kinds appears twice.
        public var installed: [InstalledSchedule]
        /// Files named like swdd's that do not carry its mark: left alone.
        public var foreign: [String]
    }

    public func list() throws(ScheduleProblem) -> Listing {
        var listing = Listing(installed: [], foreign: [])
        let units = path(ScheduleFiles.unitDirectory)
        for entry in try names(in: units) where entry.hasPrefix("swdd-") && (entry.hasSuffix(".service") || entry.hasSuffix(".timer")) {
            let text = try read(units + "/" + entry)
            guard let header = try InstalledSchedule.header(of: text, path: units + "/" + entry) else {
                listing.foreign.append(units + "/" + entry)
                continue
            }
            // A schedule is listed once, from its service; a timer left without one still counts.
            guard entry.hasSuffix(".service") || !FileSystemPath.exists(path(ScheduleFiles.servicePath(header.schedule.name))) else { continue }
            var files: [(path: String, text: String)] = []
            for file in [ScheduleFiles.timerPath(header.schedule.name), ScheduleFiles.servicePath(header.schedule.name)] where FileSystemPath.exists(path(file)) {
                files.append((file, try read(path(file))))
            }
            listing.installed.append(InstalledSchedule(schedule: header.schedule, files: ScheduleFiles(kind: .systemd, files: files), executable: header.executable))
        }
        let cron = path(ScheduleFiles.cronDirectory)
        for entry in try names(in: cron) where entry.hasPrefix("swdd-") {
            let text = try read(cron + "/" + entry)
            guard let header = try InstalledSchedule.header(of: text, path: cron + "/" + entry) else {
                listing.foreign.append(cron + "/" + entry)
                continue
            }
            listing.installed.append(InstalledSchedule(schedule: header.schedule, files: ScheduleFiles(kind: .cron, files: [(ScheduleFiles.cronPath(header.schedule.name), text)]),
                                                       executable: header.executable))
        }
        listing.installed.sort { ($0.schedule.name, $0.files.kind.rawValue) < ($1.schedule.name, $1.files.kind.rawValue) }
        listing.foreign.sort()
        return listing
    }

    /// Files under the root that would be overwritten by `files` and are not swdd's.
    public func foreignFiles(in files: ScheduleFiles) throws(ScheduleProblem) -> [String] {
        var found: [String] = []
        for file in files.files where FileSystemPath.entryExists(path(file.path)) {
            if try InstalledSchedule.header(of: try read(path(file.path)), path: path(file.path)) == nil { found.append(path(file.path)) }
        }
        return found
    }

    /// Writes `files` (each atomically), enables a timer as `systemctl enable` does (a link in
    /// `timers.target.wants/`), and removes what `replacing` had that `files` does not (a
    /// schedule moving from cron to systemd). The caller has checked `foreignFiles` and
    /// `--overwrite`.
    public func install(_ files: ScheduleFiles, name: String, replacing: [InstalledSchedule]) throws(ScheduleProblem) {
        for old in replacing {
            let kept = Set(files.files.map(\.path))
            try remove(old, keeping: kept)
        }
        do throws(SystemError) {
            for file in files.files {
                try makeDirectories(FileSystemPath.directory(of: path(file.path)))
                try FileSystemPath.writeAtomically(Array(file.text.utf8), to: path(file.path), replacing: true)
            }
            if files.kind == .systemd {
                let link = path(ScheduleFiles.wantsDirectory + "/swdd-\(name).timer")
                try makeDirectories(path(ScheduleFiles.wantsDirectory))
                if !FileSystemPath.entryExists(link) { try FileSystemPath.makeSymbolicLink(ScheduleFiles.timerPath(name), at: link) }
            }
        } catch {
            throw ScheduleProblem("cannot install schedule '\(name)': \(error)", usage: false)
        }
    }

    /// Removes an installed schedule's files (and a timer's `wants` link), except `keeping`.
    public func remove(_ installed: InstalledSchedule, keeping: Set<String> = []) throws(ScheduleProblem) {
        do throws(SystemError) {
            for file in installed.files.files where !keeping.contains(file.path) && FileSystemPath.entryExists(path(file.path)) {
                try FileSystemPath.remove(path(file.path))
            }
            let link = path(ScheduleFiles.wantsDirectory + "/swdd-\(installed.schedule.name).timer")
            if installed.files.kind == .systemd, !keeping.contains(ScheduleFiles.timerPath(installed.schedule.name)),
               FileSystemPath.entryExists(link), (try? FileSystemPath.symbolicLinkTarget(link)) == ScheduleFiles.timerPath(installed.schedule.name) {
                try FileSystemPath.remove(link)
            }
        } catch {
            throw ScheduleProblem("cannot remove schedule '\(installed.schedule.name)': \(error)", usage: false)
        }
    }

    private func names(in directory: String) throws(ScheduleProblem) -> [String] {
        guard FileSystemPath.exists(directory) else { return [] }
        do {
            return try FileSystemPath.entries(of: directory).sorted()
        } catch {
            throw ScheduleProblem("cannot list '\(directory)': \(error.reason)", usage: false)
        }
    }

    private func read(_ file: String) throws(ScheduleProblem) -> String {
        guard let text = readText(file) else { throw ScheduleProblem("cannot read '\(file)'", usage: false) }
        return text
    }

    /// `mkdir -p`.
    private func makeDirectories(_ directory: String) throws(SystemError) {
        var built = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            built += "/" + component
            try FileSystemPath.makeDirectory(built)
        }
    }
}
