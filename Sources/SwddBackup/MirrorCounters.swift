import Synchronization

/// What a mirror did, in bytes: updated by the comparison and verification workers, read by the
/// front end's summary. Atomics: no worker waits for another to count.
public final class MirrorCounters: Sendable {
    private let compared = Atomic<Int64>(0)
    private let written = Atomic<Int64>(0)
    private let zeroed = Atomic<Int64>(0)
    private let verified = Atomic<Int64>(0)

    public init() {}

    /// Bytes of the source compared with the target (holes included: compared as zeros).
    public var bytesCompared: Int64 { compared.load(ordering: .relaxed) }
    /// Bytes of the target that differed and were replaced, zeroed ranges included.
    public var bytesWritten: Int64 { written.load(ordering: .relaxed) }
    /// The part of `bytesWritten` that became zeros: punched holes in a file, `BLKZEROOUT` on a device.
    public var bytesZeroed: Int64 { zeroed.load(ordering: .relaxed) }
    /// Bytes of the target read back after writing and found as the source had them.
    public var bytesVerified: Int64 { verified.load(ordering: .relaxed) }

    func addCompared(_ bytes: Int) { compared.add(Int64(bytes), ordering: .relaxed) }
    func addWritten(_ bytes: Int, zeros: Bool) {
        written.add(Int64(bytes), ordering: .relaxed)
        if zeros { zeroed.add(Int64(bytes), ordering: .relaxed) }
    }
    func addVerified(_ bytes: Int) { verified.add(Int64(bytes), ordering: .relaxed) }
}
