import Testing
@testable import SwddCLI

/// The mirror's last line and JSON are pure functions of what it counted: exact strings.
@Suite struct MirrorSummaryTests {
    static let outcome = MirrorCommand.Outcome(sourceBytes: 2 << 30, compared: 2 << 30, written: 104 << 20, zeroed: 0,
                                               verified: 104 << 20, nanoseconds: 1_250_000_000)

    @Test func theLineSaysComparedWrittenAndVerified() {
        #expect(MirrorCommand.summary(Self.outcome, source: "/dev/sda", target: "/dev/sdb")
                == "mirrored '/dev/sda' onto '/dev/sdb': 2.0 GiB compared, 104 MiB written, 104 MiB verified in 1.25 s (1.7 GB/s)")
    }

    @Test func zerosAndNoVerifyAreSaid() {
        var o = Self.outcome
        o.zeroed = 4 << 20
        o.verified = nil
        #expect(MirrorCommand.summary(o, source: "a", target: "b")
                == "mirrored 'a' onto 'b': 2.0 GiB compared, 104 MiB written (4.0 MiB of it zeros), not verified in 1.25 s (1.7 GB/s)")
    }

    @Test func theJSONHasEveryCount() {
        #expect(MirrorCommand.json(Self.outcome, source: "a\"b", target: "c")
                == #"{"source": "a\"b", "target": "c", "source_bytes": 2147483648, "compared_bytes": 2147483648, "written_bytes": 109051904, "#
                + #""zeroed_bytes": 0, "verified": true, "verified_bytes": 109051904, "seconds": 1.25}"# + "\n")
    }
}
