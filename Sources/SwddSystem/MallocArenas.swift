#if canImport(Glibc)
import Glibc
#endif

/// How many arenas the C library's malloc may use. Each thread's first allocation otherwise
/// reserves an arena of its own, 64 MiB of address space apiece: a process with a reader and a
/// signal thread carries 128 MiB more than a single-threaded one, which is what keeps it from
/// running under an address-space limit (`ulimit -v`) that a single-threaded tool fits in.
public enum MallocArenas {
    /// `mallopt(M_ARENA_MAX, count)`, found with `dlsym` (Swift's Glibc module does not import
    /// malloc.h); call before any thread starts. Advisory: nothing happens where it is missing.
    public static func limit(to count: Int32) {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8  // M_ARENA_MAX in glibc's malloc.h
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMax, count)
    }
}
