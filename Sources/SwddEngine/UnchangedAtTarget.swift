/// Attached by a stage that found the target already holding a chunk's bytes (a mirror that
/// compared both sides): a positional sink (`FileSink`) writes nothing for that chunk and counts
/// it as skipped, so an unchanged disk costs reads only. A stream sink cannot skip a stretch of
/// its stream, so it has no use for it.
public struct UnchangedAtTarget: Sendable, Equatable {
    public init() {}
}
