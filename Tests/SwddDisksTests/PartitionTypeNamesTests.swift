import Testing
@testable import SwddDisks

@Suite struct PartitionTypeNamesTests {
    @Test func mbrNamesAreFdisks() {
        #expect(PartitionTypeNames.mbrName(0x83) == "Linux")
        #expect(PartitionTypeNames.mbrName(0x82) == "Linux swap / Solaris")
        #expect(PartitionTypeNames.mbrName(0x05) == "Extended")
        #expect(PartitionTypeNames.mbrName(0x07) == "HPFS/NTFS/exFAT")
        #expect(PartitionTypeNames.mbrName(0xaf) == "HFS / HFS+")
        #expect(PartitionTypeNames.mbrName(0xee) == "GPT")
        #expect(PartitionTypeNames.mbrName(0xfd) == "Linux raid autodetect")
        #expect(PartitionTypeNames.mbrName(0x00) == "Empty")
        #expect(PartitionTypeNames.mbrName(0x99) == "unknown")
    }

    @Test func gptNamesAreFdisksInAnyCase() {
        #expect(PartitionTypeNames.gptName("C12A7328-F81F-11D2-BA4B-00A0C93EC93B") == "EFI System")
        #expect(PartitionTypeNames.gptName("0fc63daf-8483-4772-8e79-3d69d8477de4") == "Linux filesystem")
        #expect(PartitionTypeNames.gptName("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709") == "Linux root (x86-64)")
        #expect(PartitionTypeNames.gptName("773F91EF-66D4-49B5-BD83-D683BF40AD16") == "Linux user's home")
        #expect(PartitionTypeNames.gptName("12345678-1234-1234-1234-123456789ABC") == "unknown")
    }

    @Test func tablesHaveUtilLinux2381sSize() {
        #expect(PartitionTypeNames.mbrTable.count == 101)
        #expect(PartitionTypeNames.gptTable.count == 200)
        #expect(Set(PartitionTypeNames.gptTable.map(\.guid)).count == 200)
        #expect(PartitionTypeNames.gptTable.allSatisfy { $0.guid == $0.guid.uppercased() && $0.guid.count == 36 })
    }

    @Test func jsonTypeCodesAreSfdisks() {
        #expect(PartitionType.mbr(0x05).code == "5")
        #expect(PartitionType.mbr(0xaf).code == "af")
        #expect(PartitionType.gpt("C12A7328-F81F-11D2-BA4B-00A0C93EC93B").code == "C12A7328-F81F-11D2-BA4B-00A0C93EC93B")
    }
}
