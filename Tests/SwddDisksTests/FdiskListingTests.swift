import Testing
@testable import SwddDisks

/// The expected texts are `fdisk -l` 2.38.1 output for images built with sfdisk (see
/// Tests/ReferenceTests/ListReferenceTests.swift for the scripts), copied byte for byte.
@Suite struct FdiskListingTests {
    static let dosDisk = DiskDescription(
        path: "dos.img", sectorCount: 4_194_304, logicalSectorSize: 512, physicalSectorSize: 512,
        minimumIOSize: 512, optimalIOSize: 512,
        table: PartitionTable(kind: .dos, identifier: "0x12345678", partitions: [
            Partition(number: 1, start: 2048, sectors: 204_800, type: .mbr(0x83), bootable: true),
            Partition(number: 2, start: 206_848, sectors: 409_600, type: .mbr(0x82)),
            Partition(number: 3, start: 1_000_000, sectors: 1_500_000, type: .mbr(0x05), isExtended: true),
            Partition(number: 4, start: 616_448, sectors: 100_000, type: .mbr(0xaf)),
            Partition(number: 5, start: 1_003_520, sectors: 100_000, type: .mbr(0x83)),
            Partition(number: 6, start: 1_105_920, sectors: 200_000, type: .mbr(0x07)),
            Partition(number: 7, start: 1_308_672, sectors: 300_000, type: .mbr(0xfd)),
            Partition(number: 8, start: 1_611_776, sectors: 10_000, type: .mbr(0xee)),
        ]))

    @Test func dosWithExtendedLogicalsAndOutOfOrderEntries() {
        let expected = """
            Disk dos.img: 2 GiB, 2147483648 bytes, 4194304 sectors
            Units: sectors of 1 * 512 = 512 bytes
            Sector size (logical/physical): 512 bytes / 512 bytes
            I/O size (minimum/optimal): 512 bytes / 512 bytes
            Disklabel type: dos
            Disk identifier: 0x12345678

            Device     Boot   Start     End Sectors   Size Id Type
            dos.img1   *       2048  206847  204800   100M 83 Linux
            dos.img2         206848  616447  409600   200M 82 Linux swap / Solaris
            dos.img3        1000000 2499999 1500000 732.4M  5 Extended
            dos.img4         616448  716447  100000  48.8M af HFS / HFS+
            dos.img5        1003520 1103519  100000  48.8M 83 Linux
            dos.img6        1105920 1305919  200000  97.7M  7 HPFS/NTFS/exFAT
            dos.img7        1308672 1608671  300000 146.5M fd Linux raid autodetect
            dos.img8        1611776 1621775   10000   4.9M ee GPT

            Partition table entries are not in disk order.

            """
        let output = FdiskListing.render(Self.dosDisk)
        #expect(output.text == expected)
        #expect(output.warnings.isEmpty)
    }

    @Test func gptOnA4KLoopDevice() {
        let disk = DiskDescription(
            path: "/dev/loop0", sectorCount: 16384, logicalSectorSize: 4096, physicalSectorSize: 4096,
            minimumIOSize: 4096, optimalIOSize: 4096, isBlockDevice: true,
            table: PartitionTable(kind: .gpt, identifier: "706A180A-C23D-C144-A1DE-7CB2FD40CF56", partitions: [
                Partition(number: 1, start: 256, sectors: 2048, type: .gpt("0FC63DAF-8483-4772-8E79-3D69D8477DE4")),
                Partition(number: 2, start: 2304, sectors: 4096, type: .gpt("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F")),
            ]))
        let expected = """
            Disk /dev/loop0: 64 MiB, 67108864 bytes, 16384 sectors
            Units: sectors of 1 * 4096 = 4096 bytes
            Sector size (logical/physical): 4096 bytes / 4096 bytes
            I/O size (minimum/optimal): 4096 bytes / 4096 bytes
            Disklabel type: gpt
            Disk identifier: 706A180A-C23D-C144-A1DE-7CB2FD40CF56

            Device       Start   End Sectors Size Type
            /dev/loop0p1   256  2303    2048   8M Linux filesystem
            /dev/loop0p2  2304  6399    4096  16M Linux swap

            """
        #expect(FdiskListing.render(disk).text == expected)
    }

    @Test func noTableIsHeaderOnlyAndModelIsKeptAsIs() {
        var disk = DiskDescription.imageFile(path: "odd.img", size: 1000)
        disk.model = "QEMU HARDDISK   "
        #expect(FdiskListing.render(disk).text == """
            Disk odd.img: 512 B, 512 bytes, 1 sectors
            Disk model: QEMU HARDDISK   
            Units: sectors of 1 * 512 = 512 bytes
            Sector size (logical/physical): 512 bytes / 512 bytes
            I/O size (minimum/optimal): 512 bytes / 512 bytes

            """)
    }

    @Test func otherLabelsPrintNoLabelLines() {
        var disk = DiskDescription.imageFile(path: "mac.img", size: 1 << 20)
        disk.table = PartitionTable(kind: .other("mac"), identifier: nil,
                                    partitions: [Partition(number: 1, start: 1, sectors: 63, type: .other("Apple_partition_map"))])
        #expect(!FdiskListing.render(disk).text.contains("Disklabel"))
        #expect(!FdiskListing.render(disk).text.contains("Device"))
    }

    @Test func misalignedStartsAreWarnedOnStandardErrorAfterOneBlankLine() {
        let disk = DiskDescription(
            path: "/dev/sdz", sectorCount: 1 << 21, logicalSectorSize: 512, physicalSectorSize: 4096,
            minimumIOSize: 4096, optimalIOSize: 4096, isBlockDevice: true,
            table: PartitionTable(kind: .dos, identifier: "0x00000001", partitions: [
                Partition(number: 1, start: 63, sectors: 1000, type: .mbr(0x83)),
                Partition(number: 2, start: 20, sectors: 10, type: .mbr(0x83)),
            ]))
        let output = FdiskListing.render(disk)
        #expect(output.warnings == ["Partition 1 does not start on physical sector boundary.",
                                    "Partition 2 does not start on physical sector boundary."])
        #expect(output.text.hasSuffix("/dev/sdz2          20    29      10    5K 83 Linux\n\nPartition table entries are not in disk order.\n"))
    }

    @Test func filesystemSection() {
        var disk = Self.dosDisk
        disk.filesystems[1] = FilesystemFacts(type: "ext4", label: "root", uuid: "acf1636d-327d-445f-b9a8-0083249db8d4")
        disk.filesystems[2] = FilesystemFacts(type: "swap", uuid: "1b2c")
        let text = FdiskListing.render(disk, filesystems: true).text
        #expect(text.hasSuffix("""
            Partition table entries are not in disk order.

            Device     FSType Label UUID
            dos.img1   ext4   root  acf1636d-327d-445f-b9a8-0083249db8d4
            dos.img2   swap         1b2c
            dos.img4
            dos.img5
            dos.img6
            dos.img7
            dos.img8

            """))
    }

    @Test func partitionNamesFollowLibfdisk() {
        #expect(PartitionNaming.name(device: "/dev/sda", number: 1) == "/dev/sda1")
        #expect(PartitionNaming.name(device: "/dev/nvme0n1", number: 2) == "/dev/nvme0n1p2")
        #expect(PartitionNaming.name(device: "/dev/loop0", number: 10) == "/dev/loop0p10")
        #expect(PartitionNaming.name(device: "/dev/ide/host0/bus0/target0/lun0/disc", number: 1)
                == "/dev/ide/host0/bus0/target0/lun0/part1")
        #expect(PartitionNaming.name(device: "gpt.img", number: 10) == "gpt.img10")
    }
}
