import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import SwddSystem

@Suite struct AlignedBufferTests {
    @Test func smallBuffersKeepTheAlignmentAskedFor() throws {
        let buffer = try #require(AlignedBuffer(capacity: 64 << 10, alignment: 4096))
        #expect(buffer.alignment == 4096)
        #expect(Int(bitPattern: buffer.base) % 4096 == 0)
    }

    @Test(arguments: [2 << 20, 4 << 20, (4 << 20) + 4096])
    func largeBuffersStartOnAHugePage(capacity: Int) throws {
        let buffer = try #require(AlignedBuffer(capacity: capacity, alignment: 512))
        #expect(buffer.alignment == AlignedBuffer.hugePageSize)
        #expect(Int(bitPattern: buffer.base) % AlignedBuffer.hugePageSize == 0)
        // The whole capacity is usable, tail included.
        buffer.bytes.initializeMemory(as: UInt8.self, repeating: 0xA5)
        #expect(buffer.bytes.last == 0xA5)
    }

    /// With transparent huge pages on (`always` or `madvise`), a touched 4 MiB buffer is backed
    /// by huge pages: the mapping's `AnonHugePages` in /proc/self/smaps covers it.
    @Test(.enabled(if: Self.hugePagesAvailable, "transparent huge pages are off on this kernel"))
    func largeBuffersAreBackedByHugePages() throws {
        let buffer = try #require(AlignedBuffer(capacity: 4 << 20, alignment: 4096))
        buffer.bytes.initializeMemory(as: UInt8.self, repeating: 1)
        let kilobytes = try #require(Self.anonHugePagesKilobytes(containing: buffer.base))
        #expect(kilobytes >= 4096)
    }

    static var hugePagesAvailable: Bool {
        guard let mode = readText("/sys/kernel/mm/transparent_hugepage/enabled") else { return false }
        return !mode.contains("[never]")
    }

    /// `AnonHugePages` of the mapping in /proc/self/smaps that contains `address`. (Read with
    /// `readText`, to the end: Foundation's `String(contentsOfFile:)` stops after a page or so.)
    static func anonHugePagesKilobytes(containing address: UnsafeMutableRawPointer) -> Int? {
        guard let smaps = readText("/proc/self/smaps") else { return nil }
        let target = UInt(bitPattern: Int(bitPattern: address))
        var inside = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] <= target && target < bounds[1]
            } else if inside, fields.first == "AnonHugePages:", fields.count >= 2 {
                return Int(fields[1])
            }
        }
        return nil
    }
}
