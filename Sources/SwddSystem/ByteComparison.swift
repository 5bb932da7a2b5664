#if canImport(Glibc)
import Glibc
#endif

/// Whether two ranges of `count` bytes are equal: glibc's vectorised `memcmp`, which runs at
/// memory speed, where a mirror compares every byte of both sides.
public func bytesAreEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
    count <= 0 || memcmp(a, b, count) == 0
}
