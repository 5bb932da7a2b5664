import SwddDisks
import SwddImage
import SwddSystem

/// `swdd list IMAGE`: the partition table inside a swdd image, as `fdisk -l` prints it for the
/// source. libblkid reads disks through a descriptor, so it is given a sparse stand-in holding
/// only the chunks that matter, decoded at random from the image: the first (MBR, primary GPT),
/// the last (backup GPT), each extended partition's chain of EBRs, and with `--fs` each
/// partition's first chunk (where superblocks are).
enum ImageListing {
    /// The description of the disk inside `path`, or nil when `path` is not a swdd image.
    static func examine(_ path: String, filesystems: Bool, key: ImageKey?) throws -> DiskDescription? {
        guard let status = try? FileStatus.of(path: path), status.kind == .regular else { return nil }
        let image = try FileDescriptor.open(path, flags: [.readOnly, .closeOnExec])
        defer { try? image.close() }
        guard ImageLayout.startsWithHeader(image) else { return nil }
        let layout = try ImageLayout.read(image, key: key)
        let size = layout.metadata.sourceSize
        let sector = Int64(max(512, layout.metadata.sectorSize))
        let standIn = try ImageStandIn(layout, image: image)
        try standIn.load(offset: 0)
        try standIn.load(offset: size - 1)
        try loadExtendedChains(standIn, size: size, sector: sector)

        var disk = try DiskExamination.examine(standIn: standIn.descriptor, name: path, size: UInt64(size),
                                               sectorSize: Int(sector), filesystems: false)
        guard filesystems else { return disk }
        for partition in disk.table?.partitions ?? [] where !partition.isExtended {
            try standIn.load(offset: Int64(partition.start) * sector)
        }
        disk = try DiskExamination.examine(standIn: standIn.descriptor, name: path, size: UInt64(size),
                                           sectorSize: Int(sector), filesystems: true)
        return disk
    }

    /// The line after an encrypted image's listing: its cipher and key id (from its header,
    /// readable without the key); empty for other images and other files.
    static func encryptionSection(forImage path: String) -> String {
        guard let status = try? FileStatus.of(path: path), status.kind == .regular,
              let image = try? FileDescriptor.open(path, flags: [.readOnly, .closeOnExec]) else { return "" }
        defer { try? image.close() }
        guard let encryption = ImageLayout.header(of: image)?.encryption else { return "" }
        return "\nEncryption: \(encryption.cipher.name), key id \(encryption.keyIDText)\n"
    }

    /// A dos table's logical partitions hang off a chain of EBRs inside the extended partition:
    /// follow it, loading each EBR's chunk, so libblkid finds them all.
    private static func loadExtendedChains(_ standIn: ImageStandIn, size: Int64, sector: Int64) throws {
        let mbr = try standIn.read(offset: 0, count: 512)
        guard mbr[510] == 0x55, mbr[511] == 0xAA else { return }
        func entry(_ bytes: [UInt8], _ index: Int) -> (type: UInt8, start: Int64) {
            let at = 446 + 16 * index
            let start = (0..<4).reduce(Int64(0)) { $0 | Int64(bytes[at + 8 + $1]) << (8 * Int64($1)) }
            return (bytes[at + 4], start)
        }
        for index in 0..<4 {
            let primary = entry(mbr, index)
            guard [0x05, 0x0F, 0x85].contains(primary.type) else { continue }
            let extendedStart = primary.start * sector
            var ebr = extendedStart
            // fdisk stops at 128 logical partitions; a loop in a damaged chain must end too.
            for _ in 0..<128 where ebr + 512 <= size {
                let record = try standIn.read(offset: ebr, count: 512)
                guard record[510] == 0x55, record[511] == 0xAA else { break }
                let next = entry(record, 1)
                guard next.type != 0, next.start > 0 else { break }
                ebr = extendedStart + next.start * sector
            }
        }
    }
}
