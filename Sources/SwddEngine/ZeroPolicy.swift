/// What a positional sink does with a chunk that holds only zeros (a `.hole` or `.zero` chunk).
/// The front end chooses (policy); the sink carries it out (mechanism).
public enum ZeroPolicy: Sendable, Equatable {
    /// Write the zeros like any data (dd's dense output; a target that must be fully allocated).
    case write
    /// Write nothing: the target already reads as zeros there (a new sparse file, or a device
    /// the user said is blank). A regular file still gets its full size at the end.
    case skip
    /// Free the range of an existing regular file (`fallocate` punch hole), so old data under
    /// it is gone and the blocks are released.
    case punchHoles
    /// Have a block device zero the range itself (`BLKZEROOUT`); where it cannot, write zeros.
    case zeroOutDevice
}
