import CLinuxShims

/// How many arenas the C library's malloc may use. Each thread's first allocation otherwise
/// reserves an arena of its own, 64 MiB of address space apiece: a process with a reader and a
/// signal thread carries 128 MiB more than a single-threaded one, which is what keeps it from
/// running under an address-space limit (`ulimit -v`) that a single-threaded tool fits in.
public enum MallocArenas {
    /// The C function is `mallopt(M_ARENA_MAX, count)` (through the shim: Swift's Glibc module
    /// does not import malloc.h); call before any thread starts. Advisory.
    public static func limit(to count: Int32) {
        _ = swdd_limit_malloc_arenas(count)
    }
}
