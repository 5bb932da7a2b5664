import Foundation
import Testing

/// `swdd list` next to util-linux on the same disk images: `fdisk -l IMG` byte for byte (standard
/// output, the messages after the program name, the exit status), `swdd list --json` against
/// `sfdisk --json IMG` and `swdd list --fs --json` against `blkid -p -o export -O OFF -S SIZE IMG`
/// field by field. Images are made here with sfdisk scripts (and mkfs.ext4 / mkfs.vfat / mkswap
/// when installed); a 4096-byte-sector loop device needs root and losetup.
@Suite(.serialized) struct ListReferenceTests {
    // MARK: fixtures

    /// dos: a bootable primary, swap, an extended partition holding four logicals with unusual
    /// codes, a primary placed before the extended one (entries out of disk order), gaps between.
    static let dosScript = """
        label: dos
        label-id: 0x12345678
        start=2048, size=204800, type=83, bootable
        start=206848, size=409600, type=82
        start=1000000, size=1500000, type=5
        start=616448, size=100000, type=af
        size=100000, type=83
        size=200000, type=7
        size=300000, type=fd
        size=10000, type=99
        """

    /// gpt: ten partitions of assorted type GUIDs and names, one type fdisk does not know.
    static let gptScript = """
        label: gpt
        label-id: 01234567-89AB-CDEF-0123-456789ABCDEF
        start=2048, size=1048576, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI System"
        size=2097152, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="root"
        size=1000000, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, name="swap"
        size=500000, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="data"
        size=300000, type=E6D6D379-F507-44C2-A23C-238F2A3DF928, name="lvm"
        size=200000, type=A19D880F-05FC-4D3B-A006-743F0F84911E, name="raid"
        size=100000, type=21686148-6449-6E6F-744E-656564454649, name="bios"
        size=100000, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name="root-x86-64"
        size=50000, type=DE94BBA4-06D1-4D40-A16A-BFD50179D6AC, name="winre"
        size=40000, type=12345678-1234-1234-1234-123456789ABC, name="unknown type"
        """

    // MARK: fdisk -l, byte for byte

    @Test(.enabled(if: ListTool.all("fdisk", "sfdisk"), "needs fdisk and sfdisk (util-linux)"))
    func dosTableMatchesFdisk() throws {
        let dir = try ListTempDir()
        let image = try dir.image("dos.img", size: 2 << 30, script: Self.dosScript)
        try expectSameAsFdisk([image], in: dir)
    }

    @Test(.enabled(if: ListTool.all("fdisk", "sfdisk"), "needs fdisk and sfdisk (util-linux)"))
    func gptTableMatchesFdisk() throws {
        let dir = try ListTempDir()
        let image = try dir.image("gpt.img", size: 3 << 30, script: Self.gptScript)
        try expectSameAsFdisk([image], in: dir)
    }

    @Test(.enabled(if: ListTool.all("fdisk"), "needs fdisk"))
    func noTableAndBareFilesystemsMatchFdisk() throws {
        let dir = try ListTempDir()
        var images = [try dir.image("blank.img", size: 10 << 20, script: nil)]
        images.append(try dir.file("odd.img", size: 1000))  // 1 whole sector; the rest is not counted
        for (tool, arguments) in [("mkfs.ext4", ["-q", "-L", "bare"]), ("mkfs.vfat", ["-n", "BARE"])] {
            guard ListTool.available(tool) else {
                print("ListReferenceTests: \(tool) not installed; bare \(tool) image not compared")
                continue
            }
            let image = try dir.file("\(tool).img", size: 64 << 20)
            try listRun(tool, arguments + [image]).check()
            images.append(image)
        }
        try expectSameAsFdisk(images, in: dir)
    }

    @Test(.enabled(if: ListTool.all("fdisk", "sfdisk"), "needs fdisk and sfdisk (util-linux)"))
    func badTargetsAreNamedAndTheRestListed() throws {
        let dir = try ListTempDir()
        let gpt = try dir.image("gpt.img", size: 3 << 30, script: Self.gptScript)
        let blank = try dir.image("blank.img", size: 10 << 20, script: nil)
        let empty = try dir.file("empty.img", size: 0)
        let tiny = try dir.file("tiny.img", size: 100)
        let targets = [dir.path + "/nope", blank, dir.path, "/dev/null", empty, tiny, gpt]
        try expectSameAsFdisk(targets, in: dir)
        let swdd = try listRun(Self.swdd, ["list"] + targets)
        #expect(swdd.status == 1)
        #expect(swdd.stderr.split(separator: "\n").first == "swdd: cannot open \(dir.path)/nope: No such file or directory")
    }

    @Test(.enabled(if: ListTool.all("fdisk", "sfdisk", "losetup"), "needs fdisk, sfdisk and losetup"))
    func fourKSectorLoopDeviceMatchesFdisk() throws {
        guard getuid() == 0 else {
            print("ListReferenceTests: skipped the 4096-byte-sector loop device: needs root for losetup")
            return
        }
        let dir = try ListTempDir()
        let file = try dir.file("k4.img", size: 64 << 20)
        let attach = try listRun("losetup", ["-f", "--show", "--sector-size", "4096", file])
        guard attach.status == 0 else {
            print("ListReferenceTests: skipped the 4096-byte-sector loop device: losetup failed: \(attach.stderr)")
            return
        }
        let device = attach.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? listRun("losetup", ["-d", device]) }
        try listRun("sfdisk", ["-q", device], input: """
            label: gpt
            size=2048, type=L, name="one"
            size=4096, type=S
            size=1000, type=U
            """).check()
        try expectSameAsFdisk([device], in: dir)
        try expectJSONMatchesSfdisk(device)

        // The same device found by the no-argument listing (`fdisk -l` reads /proc/partitions too).
        // Tests running alongside attach and detach loop devices of their own between the two
        // runs, so the whole listings are compared when they settle, and this device's part of
        // them always.
        var settled = false
        for attempt in 1...5 where !settled {
            let fdisk = try listRun("fdisk", ["-l"]), swdd = try listRun(Self.swdd, ["list"])
            let ours = Self.section(of: device, in: swdd.stdout)
            #expect(ours != nil && ours == Self.section(of: device, in: fdisk.stdout), "\(swdd.stdout) vs \(fdisk.stdout)")
            #expect(ours?.hasPrefix("Disk \(device): 64 MiB") == true)
            settled = fdisk.stdout == swdd.stdout
            if !settled && attempt < 5 { Thread.sleep(forTimeInterval: 0.2) }
        }
        if !settled { print("ListReferenceTests: loop devices kept changing under the no-argument listing; compared \(device)'s part only") }
    }

    /// The part of an `fdisk -l` listing about `device`: from its `Disk DEVICE:` line to the next disk's.
    static func section(of device: String, in listing: String) -> String? {
        ("\n\n" + listing).components(separatedBy: "\n\nDisk ").first { $0.hasPrefix(device + ":") }.map { "Disk " + $0 }
    }

    // MARK: --json against sfdisk --json, --fs against blkid -p

    @Test(.enabled(if: ListTool.all("sfdisk"), "needs sfdisk"))
    func jsonMatchesSfdisk() throws {
        let dir = try ListTempDir()
        try expectJSONMatchesSfdisk(try dir.image("dos.img", size: 2 << 30, script: Self.dosScript))
        try expectJSONMatchesSfdisk(try dir.image("gpt.img", size: 3 << 30, script: Self.gptScript))
    }

    @Test(.enabled(if: ListTool.all("sfdisk", "blkid", "mkfs.ext4", "mkswap"), "needs sfdisk, blkid, mkfs.ext4 and mkswap"))
    func filesystemsMatchBlkid() throws {
        let dir = try ListTempDir()
        let image = try dir.image("fs.img", size: 256 << 20, script: """
            label: dos
            start=2048, size=131072, type=83
            start=133120, size=65536, type=82
            start=198656, size=65536, type=c
            """)
        // Filesystems are made in separate files and copied in at each partition's offset.
        try place(dir: dir, image: image, tool: "mkfs.ext4", ["-q", "-L", "rootfs"], startSector: 2048, sectors: 131072)
        try place(dir: dir, image: image, tool: "mkswap", ["-L", "swappy"], startSector: 133120, sectors: 65536)
        if ListTool.available("mkfs.vfat") {
            try place(dir: dir, image: image, tool: "mkfs.vfat", ["-n", "FATTY"], startSector: 198656, sectors: 65536)
        } else {
            print("ListReferenceTests: mkfs.vfat not installed (apt-get install dosfstools); partition 3 stays empty")
        }
        let json = try jsonObject(try listRun(Self.swdd, ["list", "--fs", "--json", image]).check().stdout)
        let table = try #require((json["disks"] as? [[String: Any]])?.first?["partitiontable"] as? [String: Any])
        let partitions = try #require(table["partitions"] as? [[String: Any]])
        #expect(partitions.count == 3)
        for partition in partitions {
            let start = try #require(partition["start"] as? Int), size = try #require(partition["size"] as? Int)
            let blkid = try listRun("blkid", ["-p", "-o", "export", "-O", "\(start * 512)", "-S", "\(size * 512)", image])
            let expected = exportFields(blkid.stdout)
            let facts = partition["filesystem"] as? [String: Any]
            #expect(facts?["type"] as? String == expected["TYPE"], "partition at \(start)")
            #expect(facts?["label"] as? String == expected["LABEL"], "partition at \(start)")
            #expect(facts?["uuid"] as? String == expected["UUID"], "partition at \(start)")
            #expect(facts?["usage"] as? String == expected["USAGE"], "partition at \(start)")
        }

        // The text form: fdisk's listing unchanged, then a Device/FSType/Label/UUID section.
        let text = try listRun(Self.swdd, ["list", "--fs", image]).check().stdout
        if ListTool.available("fdisk") {
            #expect(text.hasPrefix(try listRun("fdisk", ["-l", image]).stdout))
        }
        let section = text.components(separatedBy: "\n\n").last ?? ""
        let rows = fixedColumns(section)
        #expect(rows.first == ["Device", "FSType", "Label", "UUID"])
        for (row, partition) in zip(rows.dropFirst(), partitions) {
            let facts = partition["filesystem"] as? [String: Any]
            #expect(row == [partition["node"] as? String ?? "", facts?["type"] as? String ?? "",
                            facts?["label"] as? String ?? "", facts?["uuid"] as? String ?? ""])
        }
    }

    @Test(.enabled(if: ListTool.all("blkid", "mkfs.ext4"), "needs blkid and mkfs.ext4"))
    func bareFilesystemMatchesBlkid() throws {
        let dir = try ListTempDir()
        let image = try dir.file("bare.img", size: 64 << 20)
        try listRun("mkfs.ext4", ["-q", "-L", "whole", image]).check()
        let expected = exportFields(try listRun("blkid", ["-p", "-o", "export", image]).stdout)
        let json = try jsonObject(try listRun(Self.swdd, ["list", "--fs", "--json", image]).check().stdout)
        let facts = (json["disks"] as? [[String: Any]])?.first?["filesystem"] as? [String: Any]
        #expect(facts?["type"] as? String == expected["TYPE"])
        #expect(facts?["label"] as? String == expected["LABEL"])
        #expect(facts?["uuid"] as? String == expected["UUID"])
    }

    // MARK: helpers

    /// `<package root>/.build/debug/swdd`, or `$SWDD` when set.
    static var swdd: String {
        if let path = ProcessInfo.processInfo.environment["SWDD"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/swdd").path
    }

    /// Runs `fdisk -l` and `swdd list` on the same targets from `dir`: standard output byte for
    /// byte, each error line the same after the program's name, the same exit status.
    fileprivate func expectSameAsFdisk(_ targets: [String], in dir: ListTempDir, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fdisk = try listRun("fdisk", ["-l"] + targets, cwd: dir.path)
        let swdd = try listRun(Self.swdd, ["list"] + targets, cwd: dir.path)
        #expect(swdd.stdout == fdisk.stdout, "swdd list \(targets)", sourceLocation: sourceLocation)
        #expect(swdd.status == fdisk.status, "exit status for \(targets)", sourceLocation: sourceLocation)
        let fdiskErrors = fdisk.stderr.split(separator: "\n").filter { $0.hasPrefix("fdisk: ") }.map { $0.dropFirst(7) }
        let swddErrors = swdd.stderr.split(separator: "\n").filter { $0.hasPrefix("swdd: cannot") }.map { $0.dropFirst(6) }
        #expect(swddErrors == fdiskErrors, "error lines for \(targets)", sourceLocation: sourceLocation)
    }

    /// `swdd list --json` against `sfdisk --json`: the table's label, id, device, unit and sector
    /// size, and each partition's node, start, size, type, uuid, name and boot flag.
    func expectJSONMatchesSfdisk(_ target: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let reference = try #require(try jsonObject(try listRun("sfdisk", ["--json", target]).check().stdout)["partitiontable"]
                                     as? [String: Any])
        let ours = try jsonObject(try listRun(Self.swdd, ["list", "--json", target]).check().stdout)
        let table = try #require((ours["disks"] as? [[String: Any]])?.first?["partitiontable"] as? [String: Any])
        for key in ["label", "id", "device", "unit"] {
            #expect(table[key] as? String == reference[key] as? String, "\(key) of \(target)", sourceLocation: sourceLocation)
        }
        #expect(table["sectorsize"] as? Int == reference["sectorsize"] as? Int, sourceLocation: sourceLocation)
        let expected = reference["partitions"] as? [[String: Any]] ?? []
        let actual = table["partitions"] as? [[String: Any]] ?? []
        #expect(actual.count == expected.count, "partitions of \(target)", sourceLocation: sourceLocation)
        for (ours, theirs) in zip(actual, expected) {
            for key in ["node", "type", "uuid", "name"] where theirs[key] != nil {
                #expect(ours[key] as? String == theirs[key] as? String, "\(key) of \(theirs["node"] ?? "")",
                        sourceLocation: sourceLocation)
            }
            for key in ["start", "size"] {
                #expect(ours[key] as? Int == theirs[key] as? Int, "\(key) of \(theirs["node"] ?? "")",
                        sourceLocation: sourceLocation)
            }
            #expect((ours["bootable"] as? Bool ?? false) == (theirs["bootable"] as? Bool ?? false),
                    sourceLocation: sourceLocation)
        }
    }

    fileprivate func place(dir: ListTempDir, image: String, tool: String, _ arguments: [String], startSector: Int, sectors: Int) throws {
        let part = try dir.file("part-\(startSector).img", size: sectors * 512)
        try listRun(tool, arguments + [part]).check()
        try listRun("dd", ["if=\(part)", "of=\(image)", "bs=512", "seek=\(startSector)", "conv=notrunc", "status=none"]).check()
    }

    func jsonObject(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// `blkid -o export` lines as a dictionary.
    func exportFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return fields
    }

    /// Splits a left-aligned text table at the columns where its header words start.
    func fixedColumns(_ section: String) -> [[String]] {
        let lines = section.split(separator: "\n").map(String.init)
        guard let header = lines.first else { return [] }
        var starts: [Int] = []
        var previous: Character = " "
        for (offset, character) in header.enumerated() {
            if character != " " && previous == " " { starts.append(offset) }
            previous = character
        }
        return lines.map { line in
            let characters = Array(line)
            return starts.enumerated().map { index, start in
                let end = index + 1 < starts.count ? starts[index + 1] : characters.count
                guard start < characters.count else { return "" }
                return String(characters[start..<min(end, characters.count)]).trimmingCharacters(in: .whitespaces)
            }
        }
    }
}

// MARK: processes and temporary files

private struct ListRun {
    var stdout: String
    var stderr: String
    var status: Int32

    @discardableResult
    func check() throws -> ListRun {
        guard status == 0 else { throw ListTestFailure("exit \(status): \(stderr)") }
        return self
    }
}

private struct ListTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a program (a bare name is looked up in PATH, then /usr/sbin and /sbin) and waits for it.
@discardableResult
private func listRun(_ program: String, _ arguments: [String], input: String? = nil, cwd: String? = nil) throws -> ListRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program.contains("/") ? program : (ListTool.path(program) ?? program))
    process.arguments = arguments
    if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    var environment = ProcessInfo.processInfo.environment
    environment["LC_ALL"] = "C"
    process.environment = environment
    // standard error goes to a file and standard output to a pipe read to its end, so neither
    // can fill up and stall the child
    let errPath = NSTemporaryDirectory() + "swdd-list-stderr-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errPath) }
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let out = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = errHandle
    process.standardInput = inPipe
    try process.run()
    try errHandle.close()
    if let input { inPipe.fileHandleForWriting.write(Data((input + "\n").utf8)) }
    try inPipe.fileHandleForWriting.close()
    let outBytes = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errBytes = FileManager.default.contents(atPath: errPath) ?? Data()
    return ListRun(stdout: String(decoding: outBytes, as: UTF8.self), stderr: String(decoding: errBytes, as: UTF8.self),
                   status: process.terminationStatus)
}

private enum ListTool {
    static func path(_ name: String) -> String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return dirs.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func available(_ name: String) -> Bool { path(name) != nil }
    static func all(_ names: String...) -> Bool { names.allSatisfy(available) }
}

/// A temporary directory removed when the value goes away.
private final class ListTempDir {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "swdd-list-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw ListTestFailure("mkdtemp failed") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A sparse file of `size` bytes.
    func file(_ name: String, size: Int) throws -> String {
        let file = path + "/" + name
        guard FileManager.default.createFile(atPath: file, contents: nil) else { throw ListTestFailure("cannot create \(file)") }
        guard truncate(file, off_t(size)) == 0 else { throw ListTestFailure("cannot size \(file)") }
        return file
    }

    /// A sparse image partitioned by an sfdisk script (none: left blank).
    func image(_ name: String, size: Int, script: String?) throws -> String {
        let file = try file(name, size: size)
        if let script { try listRun("sfdisk", ["-q", file], input: script).check() }
        return file
    }
}
