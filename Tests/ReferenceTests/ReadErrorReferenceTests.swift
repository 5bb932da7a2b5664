// Read errors: GNU dd and swdd read a file whose bytes BAD_START..<BAD_END behave like a bad
// sector, through an LD_PRELOAD shim (DESIGN §7) compiled at setup. A transfer that reaches the
// bad range returns the bytes before it (short, as a disk does); one that starts inside it fails
// with EIO and leaves the offset alone. The shim covers every way the data can be read — read(2),
// pread (swdd image's extent source), and the kernel copies swdd uses (copy_file_range, splice) — so the disk behaves the same
// whichever path a binary takes: what differs is only how each handles the errors (noerror,
// sync, the statistics printed at the error, the re-seek past the bad record).

import Testing

enum ReadErrorCases {
    /// The shim's C source; `setup` writes and compiles it.
    static let shim = #"""
    #define _GNU_SOURCE
    #include <dlfcn.h>
    #include <errno.h>
    #include <stdlib.h>
    #include <sys/stat.h>
    #include <unistd.h>

    static ssize_t (*real_read)(int, void *, size_t);
    static ssize_t (*real_copy_file_range)(int, loff_t *, int, loff_t *, size_t, unsigned int);
    static ssize_t (*real_splice)(int, loff_t *, int, loff_t *, size_t, unsigned int);
    static ssize_t (*real_pread)(int, void *, size_t, off_t);
    static dev_t bad_dev;
    static ino_t bad_ino;
    static off_t bad_start, bad_end;
    static int state;  /* 0: not set up, 1: no bad file, 2: armed */

    static void setup(void) {
        struct stat st;
        const char *file = getenv("BAD_FILE");
        real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
        real_copy_file_range = (ssize_t (*)(int, loff_t *, int, loff_t *, size_t, unsigned int))dlsym(RTLD_NEXT, "copy_file_range");
        real_splice = (ssize_t (*)(int, loff_t *, int, loff_t *, size_t, unsigned int))dlsym(RTLD_NEXT, "splice");
        real_pread = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread");
        state = 1;
        if (file && stat(file, &st) == 0) {
            bad_dev = st.st_dev;
            bad_ino = st.st_ino;
            bad_start = atoll(getenv("BAD_START") ? getenv("BAD_START") : "0");
            bad_end = atoll(getenv("BAD_END") ? getenv("BAD_END") : "0");
            state = 2;
        }
    }

    /* Shortens *count so a transfer from fd at offset (or the file offset when NULL) stops
       before the bad range; returns -1 when it starts inside it. */
    static int clip(int fd, loff_t *at, size_t *count) {
        struct stat st;
        off_t offset;
        if (state == 0) setup();
        if (state != 2 || fstat(fd, &st) != 0 || st.st_dev != bad_dev || st.st_ino != bad_ino) return 0;
        offset = at ? *at : lseek(fd, 0, SEEK_CUR);
        if (offset < 0 || offset >= bad_end || offset + (off_t)*count <= bad_start) return 0;
        if (offset >= bad_start) { errno = EIO; return -1; }
        *count = (size_t)(bad_start - offset);
        return 0;
    }

    ssize_t read(int fd, void *buf, size_t count) {
        if (clip(fd, NULL, &count) < 0) return -1;
        return real_read(fd, buf, count);
    }

    /* pread and pread64 are one function on 64-bit glibc; swdd's image source reads with it. */
    ssize_t pread(int fd, void *buf, size_t count, off_t offset) {
        loff_t at = offset;
        if (state == 0) setup();
        if (clip(fd, &at, &count) < 0) return -1;
        return real_pread(fd, buf, count, offset);
    }
    ssize_t pread64(int fd, void *buf, size_t count, off_t offset) { return pread(fd, buf, count, offset); }

    ssize_t copy_file_range(int in, loff_t *in_at, int out, loff_t *out_at, size_t count, unsigned int flags) {
        if (clip(in, in_at, &count) < 0) return -1;
        return real_copy_file_range(in, in_at, out, out_at, count, flags);
    }

    ssize_t splice(int in, loff_t *in_at, int out, loff_t *out_at, size_t count, unsigned int flags) {
        if (clip(in, in_at, &count) < 0) return -1;
        return real_splice(in, in_at, out, out_at, count, flags);
    }
    """#

    /// Writes and compiles the shim, then makes a 64 KiB `disk` of random bytes.
    static let setup = """
    cat > bad.c <<'SHIM'
    \(shim)
    SHIM
    cc=$(command -v cc || command -v gcc || command -v clang) || { echo 'no C compiler for the read-error shim' >&2; exit 1; }
    "$cc" -shared -fPIC -o bad.so bad.c -ldl && rm bad.c && rnd 65536 > disk
    """

    static func bad(_ start: Int, _ end: Int, _ operands: String, name: String) -> DDCase {
        DDCase(name: name, setup: setup,
               command: "LD_PRELOAD=$PWD/bad.so BAD_FILE=disk BAD_START=\(start) BAD_END=\(end) dd if=disk of=out \(operands)")
    }

    static let all: [DDCase] = [
        bad(10000, 10001, "bs=4096", name: "read error stops the copy"),
        bad(10000, 10001, "bs=4096 conv=noerror", name: "noerror skips the bad record"),
        bad(10000, 10001, "bs=4096 conv=noerror,sync", name: "noerror,sync pads the bad record"),
        bad(8192, 8193, "bs=4096 conv=noerror,sync", name: "error at a record boundary, sync"),
        bad(8192, 8193, "bs=4096 conv=noerror", name: "error at a record boundary"),
        bad(20000, 30000, "bs=4096 conv=noerror,sync", name: "bad range over several records, sync"),
        bad(20000, 30000, "bs=4096 conv=noerror", name: "bad range over several records"),
        bad(10000, 10001, "conv=noerror,sync", name: "default bs, noerror,sync"),
        bad(10000, 10001, "ibs=1000 obs=4096 conv=noerror,sync", name: "ibs!=obs, noerror,sync"),
        bad(10000, 12000, "bs=4096 count=5 conv=noerror,sync", name: "count with a bad record"),
        bad(10000, 10001, "bs=4096 skip=1 conv=noerror,sync", name: "skip then a bad record"),
        bad(10000, 10001, "bs=4096 conv=noerror,sync,sparse", name: "noerror,sync,sparse"),
        bad(10000, 10001, "bs=4096 conv=noerror,sync status=noxfer", name: "noerror with status=noxfer"),
        bad(10000, 10001, "bs=4096 conv=noerror,sync status=none", name: "noerror with status=none"),
        bad(0, 1, "bs=4096 conv=noerror,sync", name: "first byte bad"),
        bad(65535, 65536, "bs=4096 conv=noerror,sync", name: "last byte bad"),
        bad(10000, 10001, "bs=1M conv=noerror,sync", name: "bs larger than the file"),
        DDCase(name: "read error into a pipe", setup: setup,
               command: "LD_PRELOAD=$PWD/bad.so BAD_FILE=disk BAD_START=10000 BAD_END=10001 dd if=disk bs=4096 conv=noerror,sync | cat > out"),
    ].inBothLocales
}

@Suite("dd reference: read errors (bad-sector shim)")
struct ReadErrorReferenceTests {
    @Test("GNU dd and swdd agree", arguments: ReadErrorCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }
}
