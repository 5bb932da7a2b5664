import SwddSystem

/// `swdd list --json`: the listed facts as one JSON document, in the spirit of `sfdisk --json`
/// (same key names for the partition table: `label`, `id`, `device`, `unit`, `sectorsize`,
/// `partitions` with `node`, `start`, `size`, `type`, `uuid`, `name`, `bootable`) plus the disk's
/// geometry and, with `--fs`, each partition's filesystem. A pure function of the descriptions.
public enum DiskJSON {
    public static func render(_ disks: [DiskDescription], filesystems: Bool) -> String {
        var out = JSONWriter()
        out.object { out in
            out.array("disks") { out in
                for disk in disks { out.object { out in diskFields(disk, filesystems: filesystems, into: &out) } }
            }
        }
        return out.text + "\n"
    }

    private static func diskFields(_ disk: DiskDescription, filesystems: Bool, into out: inout JSONWriter) {
        out.field("device", string: disk.path)
        out.field("size", number: disk.byteCount)
        out.field("sectors", number: disk.sectorCount)
        out.field("sectorsize", number: UInt64(disk.logicalSectorSize))
        out.field("physicalsectorsize", number: UInt64(disk.physicalSectorSize))
        out.field("minimumiosize", number: UInt64(disk.minimumIOSize))
        out.field("optimaliosize", number: UInt64(disk.optimalIOSize))
        if disk.alignmentOffset != 0 { out.field("alignmentoffset", number: disk.alignmentOffset) }
        if let model = disk.model { out.field("model", string: model) }
        if let table = disk.table {
            out.object("partitiontable") { out in
                out.field("label", string: table.kind.description)
                if let id = table.identifier { out.field("id", string: id) }
                out.field("device", string: disk.path)
                out.field("unit", string: "sectors")
                out.field("sectorsize", number: UInt64(disk.logicalSectorSize))
                out.array("partitions") { out in
                    for partition in table.partitions {
                        out.object { out in
                            out.field("node", string: disk.partitionName(partition.number))
                            out.field("start", number: partition.start)
                            out.field("size", number: partition.sectors)
                            out.field("type", string: partition.type.code)
                            out.field("typename", string: partition.type.name)
                            if let uuid = partition.uuid { out.field("uuid", string: uuid) }
                            if let name = partition.name { out.field("name", string: name) }
                            if partition.bootable { out.field("bootable", bool: true) }
                            if partition.isExtended { out.field("extended", bool: true) }
                            if filesystems, let facts = disk.filesystems[partition.number] {
                                out.object("filesystem") { out in filesystemFields(facts, into: &out) }
                            }
                        }
                    }
                }
            }
        }
        if filesystems, let facts = disk.wholeDiskFilesystem {
            out.object("filesystem") { out in filesystemFields(facts, into: &out) }
        }
    }

    private static func filesystemFields(_ facts: FilesystemFacts, into out: inout JSONWriter) {
        out.field("type", string: facts.type)
        if let label = facts.label { out.field("label", string: label) }
        if let uuid = facts.uuid { out.field("uuid", string: uuid) }
        if let usage = facts.usage { out.field("usage", string: usage) }
        if let version = facts.version { out.field("version", string: version) }
    }
}

/// A small pretty-printing JSON writer (three-space indent, as sfdisk and lsblk use).
struct JSONWriter {
    private(set) var text = ""
    private var depth = 0
    private var needsComma = false

    mutating func object(_ key: String? = nil, _ body: (inout JSONWriter) -> Void) {
        open(key, "{")
        body(&self)
        close("}")
    }

    mutating func array(_ key: String, _ body: (inout JSONWriter) -> Void) {
        open(key, "[")
        body(&self)
        close("]")
    }

    mutating func field(_ key: String, string: String) { item(key, string.jsonQuoted) }
    mutating func field(_ key: String, number: UInt64) { item(key, "\(number)") }
    mutating func field(_ key: String, bool: Bool) { item(key, bool ? "true" : "false") }

    private mutating func item(_ key: String?, _ value: String) {
        if needsComma { text += "," }
        if !text.isEmpty { text += "\n" }
        text += String(repeating: "   ", count: depth)
        if let key { text += key.jsonQuoted + ": " }
        text += value
        needsComma = true
    }

    private mutating func open(_ key: String?, _ bracket: String) {
        item(key, bracket)
        depth += 1
        needsComma = false
    }

    private mutating func close(_ bracket: String) {
        depth -= 1
        text += "\n" + String(repeating: "   ", count: depth) + bracket
        needsComma = true
    }
}
