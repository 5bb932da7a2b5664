import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import SwddSystem

@Suite struct ZeroDetectionTests {
    @Test(arguments: [0, 1, 7, 8, 31, 32, 33, 4096, 4099])
    func findsANonZeroByteAnywhere(size: Int) {
        var bytes = [UInt8](repeating: 0, count: size + 3)
        bytes.withUnsafeBytes { raw in #expect(isAllZero(raw.baseAddress! + 3, count: size)) }
        for position in [0, size / 2, size - 1] where size > 0 {
            bytes[3 + position] = 1
            bytes.withUnsafeBytes { raw in #expect(!isAllZero(raw.baseAddress! + 3, count: size)) }
            bytes[3 + position] = 0
        }
    }
}

@Suite struct MountTableTests {
    @Test func parsesMountInfoWithEscapes() {
        let text = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        40 22 7:0 / /mnt/my\\040disk rw - vfat /dev/loop0 rw
        """
        let entries = MountTable.parseMountInfo(text)
        #expect(entries.count == 2)
        #expect(entries[1].major == 7 && entries[1].minor == 0)
        #expect(entries[1].mountPoint == "/mnt/my disk")
        #expect(entries[1].source == "/dev/loop0")
        let table = MountTable(entries: entries, swapDevices: [])
        #expect(table.usage(ofDeviceMajor: 7, minor: 0, path: "/dev/loop0") == .mounted(on: "/mnt/my disk"))
        #expect(table.usage(ofDeviceMajor: 7, minor: 9, path: "/dev/loop9") == nil)
    }

    @Test func readsWhetherTheSuperblockIsReadOnlyAndFindsTheMountHoldingAPath() {
        let text = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
        40 22 7:0 / /mnt/a ro,relatime - ext4 /dev/loop0 ro
        41 22 7:1 / /mnt/a/b rw - ext4 /dev/loop1 rw
        """
        let table = MountTable(entries: MountTable.parseMountInfo(text), swapDevices: [])
        #expect(table.entries.map(\.isReadOnly) == [false, true, false])
        #expect(table.entry(containing: "/")?.source == "/dev/sda1")
        #expect(table.entry(containing: "/proc")?.source == "/dev/sda1")
    }

    @Test func parsesSwaps() {
        let text = "Filename\tType\tSize\tUsed\tPriority\n/dev/sdb2 partition 100 0 -2\n"
        #expect(MountTable.parseSwaps(text) == ["/dev/sdb2"])
        let table = MountTable(entries: [], swapDevices: ["/dev/swdd-test-swap"])
        #expect(table.usage(ofDeviceMajor: 4095, minor: 0, path: "/dev/swdd-test-swap") == .swap)
    }
}

@Suite struct DataExtentTests {
    @Test func findsDataBetweenHoles() throws {
        let path = "/var/tmp/swdd-extents-\(getpid())"
        let fd = try FileDescriptor.open(path, flags: [.readWrite, .create, .truncate])
        defer { try? fd.close(); unlink(path) }
        let block = [UInt8](repeating: 0xAB, count: 65536)
        _ = try block.withUnsafeBytes { try fd.write(toAbsoluteOffset: 1 << 20, $0) }
        try fd.truncate(to: 4 << 20)
        let extent = try #require(try fd.nextDataExtent(from: 0, limit: 4 << 20))
        // Filesystems without hole support report everything as data; both are correct.
        if extent.offset == 0 {
            #expect(extent.length == 4 << 20)
        } else {
            #expect(extent.offset <= 1 << 20)
            #expect(extent.end >= (1 << 20) + 65536)
            #expect(try fd.nextDataExtent(from: extent.end, limit: 4 << 20) == nil)
        }
    }

    @Test func openFailureNamesThePath() {
        #expect(throws: SystemError("open", path: "/nonexistent/x", code: .noSuchFileOrDirectory)) {
            _ = try FileDescriptor.open("/nonexistent/x", flags: .readOnly)
        }
    }
}
