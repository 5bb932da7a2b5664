#if canImport(Glibc)
import Glibc
#endif

/// A buffer from `posix_memalign`, so it can be handed to `O_DIRECT` reads and writes.
/// Allocated once and reused; it has one owner at a time (the engine's pool enforces that),
/// which is why it may cross threads.
public final class AlignedBuffer: @unchecked Sendable {
    public let capacity: Int
    public let alignment: Int
    public let base: UnsafeMutableRawPointer

    /// Returns nil when memory is exhausted, so the caller can say which buffer failed.
    public init?(capacity: Int, alignment: Int) {
        var pointer: UnsafeMutableRawPointer?
        let align = max(alignment, MemoryLayout<UnsafeRawPointer>.size)
        guard capacity > 0, posix_memalign(&pointer, align, capacity) == 0, let pointer else { return nil }
        self.capacity = capacity
        self.alignment = align
        self.base = pointer
    }

    deinit { free(base) }

    public var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: base, count: capacity) }

    public func slice(_ offset: Int, _ count: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: base + offset, count: count)
    }
}
