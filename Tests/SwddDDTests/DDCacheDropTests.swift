import SwddSystem
import Testing
@testable import SwddDD

/// GNU dd 9.1's nocache arithmetic, against the calls `strace -e trace=fadvise64 /usr/bin/dd`
/// showed for the same operands (page size 4096).
@Suite struct DDCacheDropTests {
    static func at(_ offset: Int64) -> () -> Result<Int64, SystemError> { { .success(offset) } }

    /// `dd if=in of=out iflag=nocache bs=64K` on a file of 1048583 bytes: a call for every
    /// 128 KiB read, then from the page of the 7-byte rest to the end.
    @Test func inputAdvisesWholeMultiplesThenToTheEnd() {
        var drop = DDCacheDrop(side: .input)
        drop.inputSeekable = true
        var calls: [DDCacheDrop.Outcome] = []
        for bytes in Array(repeating: Int64(65536), count: 16) + [7] {
            drop.inputOffset += bytes
            let outcome = drop.invalidate(bytes, position: Self.at(-1))
            if outcome != .nothingDue { calls.append(outcome) }
        }
        drop.toEndOfFile = true
        calls.append(drop.invalidate(0, position: Self.at(-1)))
        #expect(calls.count == 9)
        #expect(calls.first == .advise(offset: 0, length: 131072))
        #expect(calls[7] == .advise(offset: 917504, length: 131072))
        #expect(calls.last == .advise(offset: 1048576, length: 0))
    }

    /// `dd if=in of=out oflag=nocache bs=100000 count=3`: lseek once, then GNU moves its offset
    /// by what it advised and left pending — (0, 131072), (200000, 131072), then the exact rest
    /// (331072, 37856) when count= stops the copy.
    @Test func outputOffsetFollowsGNUsBookkeeping() {
        var drop = DDCacheDrop(side: .output)
        var written: Int64 = 0
        var calls: [DDCacheDrop.Outcome] = []
        var lseeks = 0
        for _ in 0..<3 {
            written += 100000
            let now = written
            let outcome = drop.invalidate(100000) { lseeks += 1; return .success(now) }
            if outcome != .nothingDue { calls.append(outcome) }
        }
        calls.append(drop.invalidate(0, position: Self.at(999)))
        #expect(calls == [.advise(offset: 0, length: 131072), .advise(offset: 200000, length: 131072),
                          .advise(offset: 331072, length: 37856)])
        #expect(lseeks == 1)
    }

    /// `dd if=in of=/dev/null oflag=nocache bs=64K`: /dev/null's lseek says 0, so the first call
    /// has a negative offset, as GNU's has.
    @Test func outputAtOffsetZeroGoesNegative() {
        var drop = DDCacheDrop(side: .output)
        _ = drop.invalidate(65536, position: Self.at(0))
        #expect(drop.invalidate(65536, position: Self.at(0)) == .advise(offset: -131072, length: 131072))
    }

    /// `printf abc | dd iflag=nocache count=0` and `dd oflag=nocache count=0 | cat`: the offset
    /// is unknown, which GNU reports with lseek's errno.
    @Test func aPipeCannotBeAdvised() {
        var input = DDCacheDrop(side: .input)
        input.toEndOfFile = true
        #expect(input.invalidate(0, position: Self.at(0)) == .offsetUnknown(.illegalSeek))
        var output = DDCacheDrop(side: .output)
        output.toEndOfFile = true
        #expect(output.invalidate(0) { .failure(SystemError("lseek", code: .illegalSeek)) } == .offsetUnknown(.illegalSeek))
        // Asked once: later calls stay unknown without asking again.
        #expect(output.invalidate(0) { Issue.record("lseek asked twice"); return .success(0) } == .offsetUnknown(.illegalSeek))
    }

    /// Nothing read, not at the end: nothing to do.
    @Test func nothingPendingNothingDue() {
        var drop = DDCacheDrop(side: .input)
        drop.inputSeekable = true
        #expect(drop.invalidate(0, position: Self.at(0)) == .nothingDue)
        #expect(drop.invalidate(4096, position: Self.at(0)) == .nothingDue)
        // count= stopped the copy: the exact rest.
        drop.inputOffset = 4096
        #expect(drop.invalidate(0, position: Self.at(0)) == .advise(offset: 0, length: 4096))
    }
}
