// swdd mirror against independent judges: sha256sum and cmp say whether the target holds the
// source's bytes, stat whether holes stayed or became holes, strace counts the pwrite64 and
// fallocate calls the binary really made (so "writes only what differs" is not swdd's own word),
// and an LD_PRELOAD shim that makes a target lie on reads shows that the read-back catches it.

import Testing

@Suite("swdd mirror", .serialized)
struct MirrorReferenceTests {
    /// `src`: 8 MiB of random data, a 4 MiB hole, 2 MiB of written zeros, 3 MiB of random data,
    /// 7 more bytes (18 chunks of 1 MiB: 0–7 data, 8–13 zeros, 14–16 data, 17 the 7 bytes).
    static let prelude = #"""
        sum() { sha256sum < "$1" | cut -d' ' -f1; }
        blocks() { stat -c %b "$1"; }
        field() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
        cat "$REF_POOL" > src && truncate -s 12M src
        head -c 2097152 /dev/zero >> src
        tail -c 3145728 "$REF_POOL" >> src
        head -c 7 "$REF_POOL" >> src
        mib=1048576

        """#

    /// `flip.so`: a pread of FLIP_FILE whose range covers byte FLIP_AT returns that byte inverted,
    /// as a disk that does not hold what it was given would.
    static let flipShim = #"""
        cat > flip.c <<'SHIM'
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <stdlib.h>
        #include <sys/stat.h>
        #include <unistd.h>
        static ssize_t (*real_pread)(int, void *, size_t, off_t);
        ssize_t pread(int fd, void *buf, size_t count, off_t offset) {
            struct stat want, got;
            const char *file = getenv("FLIP_FILE");
            off_t at = atoll(getenv("FLIP_AT") ? getenv("FLIP_AT") : "0");
            if (!real_pread) real_pread = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread");
            ssize_t n = real_pread(fd, buf, count, offset);
            if (n > 0 && file && stat(file, &want) == 0 && fstat(fd, &got) == 0 && want.st_ino == got.st_ino
                && want.st_dev == got.st_dev && at >= offset && at < offset + n)
                ((unsigned char *)buf)[at - offset] ^= 0xFF;
            return n;
        }
        ssize_t pread64(int fd, void *buf, size_t count, off_t offset) { return pread(fd, buf, count, offset); }
        SHIM
        cc=$(command -v cc || command -v gcc || command -v clang) || { echo 'no C compiler for the shim' >&2; exit 1; }
        "$cc" -shared -fPIC -o flip.so flip.c -ldl && rm flip.c

        """#

    static let cases: [ScriptCase] = [
        ScriptCase(name: "a new file: the source's bytes, holes stay holes, no .partial left, the summary line", script: """
            swdd mirror src copy 2> err; echo "rc $?|rc 0"
            echo "$(sum copy) $(sum src)"
            echo "$(stat -c %s copy) $(stat -c %s src)"
            echo "$([ "$(blocks copy)" -lt "$(blocks src)" ] && echo fewer) fewer"
            echo "$(ls copy.partial 2>/dev/null | wc -l) 0"
            echo "$(grep -c "^swdd: mirrored 'src' onto 'copy': 17 MiB compared, 11 MiB written, 11 MiB verified in [0-9.]* s (" err) 1"
            swdd mirror src json-copy --json > j; echo "$(field j written_bytes) $((11 * mib + 7))"
            echo "$(field j zeroed_bytes) 0"
            """),
        ScriptCase(name: "an existing file with scattered changed blocks: only their chunks are written (strace counts), then nothing", script: """
            swdd mirror src copy --quiet || exit 1
            # 4 KiB overwritten in chunks 0, 3, 7 and 15 (data) and 10 (the hole: old data where the source has zeros).
            for c in 0 3 7 10 15; do head -c 4096 /dev/urandom | dd of=copy bs=4096 seek=$((c * 256 + 17)) conv=notrunc status=none; done
            strace -f -qq -e trace=pwrite64,fallocate -o calls swdd mirror src copy --json > j 2> err; echo "rc $?|rc 0"
            echo "$(sum copy) $(sum src)"
            echo "$(field j written_bytes) $((5 * mib))"
            echo "$(field j zeroed_bytes) $mib"
            echo "$(field j verified_bytes) $((5 * mib))"
            echo "$(field j compared_bytes) $(stat -c %s src)"
            echo "$(wc -c < err) 0"
            echo "$(grep pwrite64 calls | sed 's/.*= //' | awk '{ s += $1 } END { print s + 0 }') $((4 * mib))"
            echo "$(grep -c 'fallocate(.*FALLOC_FL_PUNCH_HOLE.*10485760, 1048576) = 0' calls) 1"
            # The first chunk (partition table, superblock) goes last, so a cut-off mirror never looks complete.
            echo "$(grep pwrite64 calls | tail -1 | grep -c ', 1048576, 0) = 1048576$') 1"
            strace -f -qq -e trace=pwrite64,fallocate -o again swdd mirror src copy --json > j2; echo "again $?|again 0"
            echo "$(grep -c -e pwrite64 -e fallocate again) 0"
            echo "$(field j2 written_bytes) 0"
            echo "$(field j2 verified_bytes) 0"
            swdd mirror src copy 2> err
            echo "$(grep -c "17 MiB compared, 0 B written, 0 B verified in" err) 1"
            """, requires: ("command -v strace", "strace is not installed (scripts/setup installs it)")),
        ScriptCase(name: "a sparse source onto a larger file of old data: zeros punched, equal chunks kept, exactly the source's size", script: """
            cat "$REF_POOL" "$REF_POOL" "$REF_POOL" > old && before=$(blocks old)
            swdd mirror src old --json > j; echo "rc $?|rc 0"
            echo "$(sum old) $(sum src)"
            echo "$(stat -c %s old) $(stat -c %s src)"
            # Chunks 0-7 already held the pool's bytes; the six zero chunks were punched.
            echo "$(field j written_bytes) $((9 * mib + 7))"
            echo "$(field j zeroed_bytes) $((6 * mib))"
            echo "$([ "$(blocks old)" -le $((before - 6 * 2048)) ] && echo punched) punched"
            head -c 3000000 "$REF_POOL" > short
            swdd mirror src short --quiet; echo "$(sum short) $(sum src)"
            """),
        ScriptCase(name: "the read-back catches a target that does not hold what was written; --no-verify does not look", script: """
            \(flipShim)
            cp src t
            LD_PRELOAD=$PWD/flip.so FLIP_FILE=t FLIP_AT=5000000 swdd mirror src t 2> err; echo "rc $?|rc 4"
            echo "$(cat err)|swdd: 't' was written but does not read back as 'src': bytes 4194304..<5242880 do not hold what was written there"
            LD_PRELOAD=$PWD/flip.so FLIP_FILE=t FLIP_AT=5000000 swdd mirror src t --no-verify 2> err; echo "rc $?|rc 0"
            echo "$(grep -c "1.0 MiB written, not verified in" err) 1"
            cp src u
            LD_PRELOAD=$PWD/flip.so FLIP_FILE=u FLIP_AT=5000000 swdd mirror src fresh 2>/dev/null; echo "fresh $?|fresh 0"
            echo "$(sum fresh) $(sum src)"
            """),
        ScriptCase(name: "refusals: a directory, a pipe, the same file, a new file in /dev, --threads 0", script: """
            mkdir dir
            swdd mirror src dir 2> err; echo "dir $?|dir 1"
            echo "$(cat err)|swdd: cannot mirror onto 'dir': it is a directory"
            mkfifo fifo
            swdd mirror fifo x 2> err; echo "fifo $?|fifo 1"
            echo "$(cat err)|swdd: cannot mirror 'fifo': it is a pipe; mirror reads a regular file or a block device"
            swdd mirror src fifo 2> err; echo "fifo target $?|fifo target 1"
            echo "$(cat err)|swdd: cannot mirror onto 'fifo': mirror reads its target, so it must be a regular file or a block device"
            ln src same
            swdd mirror src same 2> err; echo "same $?|same 1"
            echo "$(cat err)|swdd: refusing to mirror 'src' onto itself ('same' is the same file)"
            swdd mirror src /dev/swdd-mirror-typo 2> err; echo "dev $?|dev 1"
            echo "$(cat err)|swdd: refusing to create '/dev/swdd-mirror-typo' in /dev, which holds devices (use --force to create it anyway)"
            echo "$(ls /dev/swdd-mirror-typo* x x.partial 2>/dev/null | wc -l) 0"
            swdd mirror src y --threads 0 2> err; echo "threads $?|threads 2"
            echo "$(cat err)|swdd: invalid thread count 0"
            swdd mirror missing y 2> err; echo "missing $?|missing 1"
            echo "$(ls y y.partial 2>/dev/null | wc -l) 0"
            """),
        ScriptCase(name: "loop devices: device to file, file to device, device to device, then nothing to write", script: """
            cp src a.raw && truncate -s 20M a.raw
            head -c 20971520 /dev/urandom > b.raw
            a=$(losetup -f --show a.raw) || exit 98
            b=$(losetup -f --show b.raw) || { losetup -d $a; exit 98; }
            trap 'losetup -d $a $b' EXIT
            swdd mirror $a from-device --quiet; echo "to file $?|to file 0"
            echo "$(cmp $a from-device && echo same)|same"
            swdd mirror $a $b --json > j; echo "to device $?|to device 0"
            echo "$(cmp $a $b && echo same)|same"
            echo "$(field j verified_bytes) $(field j written_bytes)"
            swdd mirror $a $b --json > j; echo "$(field j written_bytes) 0"
            head -c 4096 /dev/urandom | dd of=$b bs=4096 seek=1000 conv=notrunc status=none
            swdd mirror from-device $b --json > j; echo "file to device $?|file to device 0"
            echo "$(cmp $a $b && echo same)|same"
            echo "$(field j written_bytes) $mib"
            swdd mirror src $b --quiet; echo "$(cmp -n $(stat -c %s src) src $b && echo same)|same"
            """, needsLoop: true),
        ScriptCase(name: "sector sizes: 512 onto 4096 refused unless --force; 4096 onto 4096 mirrors", script: """
            cp src a.raw && truncate -s 20M a.raw c.raw d.raw
            head -c 4096 /dev/urandom | dd of=c.raw conv=notrunc status=none
            a=$(losetup -f --show a.raw) || exit 98
            c=$(losetup -f --show --sector-size 4096 c.raw) || { losetup -d $a; exit 98; }
            d=$(losetup -f --show --sector-size 4096 d.raw) || { losetup -d $a $c; exit 98; }
            trap 'losetup -d $a $c $d' EXIT
            keep=$(sum c.raw)
            swdd mirror src $c 2> err; echo "file $?|file 1"
            echo "$(cat err)|swdd: refusing to mirror onto '$c': its logical sectors are 4096 bytes, those of 'src' 512 (partition tables would not be found; use --force to write anyway)"
            swdd mirror $a $c 2> err; echo "device $?|device 1"
            echo "$(grep -c "its logical sectors are 4096 bytes, those of '$a' 512" err) 1"
            echo "$(sum c.raw) $keep"
            swdd mirror $a $c --force --quiet; echo "forced $?|forced 0"
            echo "$(cmp $a $c && echo same)|same"
            swdd mirror $c $d --quiet; echo "4096 $?|4096 0"
            echo "$(cmp $c $d && echo same)|same"
            """, needsLoop: true),
        ScriptCase(name: "a too-small device and a mounted one are refused, nothing written", script: """
            head -c 8388608 /dev/urandom > small.raw && keep=$(sum small.raw)
            s=$(losetup -f --show small.raw) || exit 98
            trap 'losetup -d $s' EXIT
            swdd mirror src $s 2> err; echo "small $?|small 1"
            echo "$(cat err)|swdd: refusing to mirror onto '$s': it holds 8388608 bytes, fewer than the $(stat -c %s src) of 'src'"
            echo "$(sum small.raw) $keep"
            truncate -s 32M fs.raw && mkfs.ext4 -q -F fs.raw || exit 97
            m=$(losetup -f --show fs.raw) || exit 98
            mkdir mnt && mount $m mnt || { losetup -d $m; exit 97; }
            trap 'umount mnt; losetup -d $s $m' EXIT
            swdd mirror src $m 2> err; echo "mounted $?|mounted 1"
            echo "$(cat err)|swdd: refusing to write to block device '$m': mounted on $PWD/mnt (use --force to override)"
            echo "$(ls mnt)|lost+found"
            """, needsLoop: true),
    ]

    @Test("matches the reference tools", arguments: cases)
    func matchesReferenceTools(_ c: ScriptCase) throws {
        try c.run(prelude: Self.prelude)
    }
}
