import Testing
@testable import SwddDisks

@Suite struct DiskFactsTests {
    @Test func procPartitionsNames() {
        let text = """
            major minor  #blocks  name

             254        0  268435456 vda
             254        1     102400 vda1
               7        0    2097152 loop0
             104        0   71652960 cciss!c0d0

            """
        #expect(DiskInventory.deviceNames(inProcPartitions: text) == ["vda", "vda1", "loop0", "cciss!c0d0"])
    }

    @Test func deviceMapperPrivateDevices() {
        #expect(DiskInventory.isPrivateOrPartitionMapping(dmUUID: "LVM-abcdefABCDEF0123456789abcdef-tpool"))
        #expect(!DiskInventory.isPrivateOrPartitionMapping(dmUUID: "LVM-abcdefABCDEF0123456789abcdef"))
        #expect(DiskInventory.isPrivateOrPartitionMapping(dmUUID: "stratis-1-private-1234"))
        #expect(DiskInventory.isPrivateOrPartitionMapping(dmUUID: "part1-mpath-3600"))
        #expect(!DiskInventory.isPrivateOrPartitionMapping(dmUUID: "CRYPT-LUKS2-1234-root"))
    }

    @Test func lenientMBRReadsWhatFdiskReads() {
        var sector = [UInt8](repeating: 0, count: 512)
        sector[510] = 0x55; sector[511] = 0xAA
        #expect(LenientMBR.table(firstSector: sector, totalSectors: 131_072) == PartitionTable(kind: .dos, identifier: "0x00000000", partitions: []))
        sector[440] = 0x78; sector[441] = 0x56; sector[442] = 0x34; sector[443] = 0x12
        // one protective entry: type 0xee from sector 1, 131071 sectors
        sector[446 + 4] = 0xee
        sector[446 + 8] = 1
        sector[446 + 12] = 0xff; sector[446 + 13] = 0xff; sector[446 + 14] = 0x01
        #expect(LenientMBR.table(firstSector: sector, totalSectors: 131_072) == PartitionTable(kind: .dos, identifier: "0x12345678", partitions: [
            Partition(number: 1, start: 1, sectors: 131_071, type: .mbr(0xee)),
        ]))
        // a protective MBR that disagrees with the disk's size is corrected, with fdisk's warning
        let corrected = LenientMBR.table(firstSector: sector, totalSectors: 1_000_000)
        #expect(corrected?.partitions.first?.sectors == 999_999)
        #expect(corrected?.warnings == ["GPT PMBR size mismatch (131071 != 999999) will be corrected by write."])
        sector[511] = 0
        #expect(LenientMBR.table(firstSector: sector, totalSectors: 131_072) == nil)
    }

    @Test func outOfOrder() {
        let inOrder = PartitionTable(kind: .gpt, identifier: nil, partitions: [
            Partition(number: 1, start: 2048, sectors: 10, type: .gpt("X")),
            Partition(number: 2, start: 4096, sectors: 10, type: .gpt("X")),
        ])
        #expect(!inOrder.isOutOfDiskOrder)
        var swapped = inOrder
        swapped.partitions[0].start = 8192
        #expect(swapped.isOutOfDiskOrder)
    }

    @Test func jsonIsValidAndEscaped() {
        var disk = FdiskListingTests.dosDisk
        disk.table?.partitions = [Partition(number: 1, start: 2048, sectors: 100, type: .mbr(0x83), bootable: true)]
        disk.filesystems[1] = FilesystemFacts(type: "ext4", label: "a \"quoted\"\tlabel")
        let json = DiskJSON.render([disk], filesystems: true)
        #expect(json == """
            {
               "disks": [
                  {
                     "device": "dos.img",
                     "size": 2147483648,
                     "sectors": 4194304,
                     "sectorsize": 512,
                     "physicalsectorsize": 512,
                     "minimumiosize": 512,
                     "optimaliosize": 512,
                     "partitiontable": {
                        "label": "dos",
                        "id": "0x12345678",
                        "device": "dos.img",
                        "unit": "sectors",
                        "sectorsize": 512,
                        "partitions": [
                           {
                              "node": "dos.img1",
                              "start": 2048,
                              "size": 100,
                              "type": "83",
                              "typename": "Linux",
                              "bootable": true,
                              "filesystem": {
                                 "type": "ext4",
                                 "label": "a \\"quoted\\"\\tlabel"
                              }
                           }
                        ]
                     }
                  }
               ]
            }

            """)
    }
}
