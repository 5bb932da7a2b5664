// `swdd mount` and `swdd verify --fsck` on a gpt disk file holding an ext4 and a vfat partition
// with known files (made with sfdisk, mkfs.ext4 and mkfs.vfat on separate files, populated
// through loop mounts, and dd'd into the disk at the partitions' offsets). Each script prints
// pairs "<what happened>|<what must happen>", as `ScriptCase` does; the reference side is cmp,
// sha256sum, the kernel's own ext4 (loop mounts), mtools for the vfat, e2fsck and fsck.vfat. The cleanup
// unmounts whatever a script left mounted, whether it finished or not.

import Foundation
import Testing

@Suite(.serialized) struct MountReferenceTests {
    struct MountCase: Sendable, CustomTestStringConvertible {
        var name: String
        var script: String
        var testDescription: String { name }
    }

    /// `disk.raw`: gpt, p1 ext4 (20 MiB at sector 2048) holding a.bin (3 MiB random), b.txt and
    /// dir/c.bin, p2 vfat (20 MiB at sector 43008) holding v.bin and v.txt; `p1.raw` and `p2.raw`
    /// are the partitions' bytes (the vfat written with mcopy). `sums` holds the files' SHA-256s as they were written.
    static let setup = #"""
        mkdir m l mp || exit 97
        truncate -s 64M disk.raw || exit 97
        printf 'label: gpt\nstart=2048, size=40960, type=L\nstart=43008, size=40960, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\n' | sfdisk -q disk.raw || exit 97
        truncate -s 20M p1.raw && mkfs.ext4 -q -F p1.raw && mkfs.vfat -C p2.raw 20480 > /dev/null || exit 97
        mount -o loop p1.raw m || exit 96
        head -c 3M /dev/urandom > m/a.bin; echo hello > m/b.txt; mkdir m/dir; head -c 700K /dev/urandom > m/dir/c.bin
        (cd m && sha256sum a.bin b.txt dir/c.bin) > sums1; umount m
        # This kernel may have no vfat driver: mtools writes and reads the FAT filesystem itself.
        mkdir v && head -c 1500K /dev/urandom > v/v.bin && echo vfat > v/v.txt && (cd v && sha256sum v.bin v.txt) > sums2 || exit 97
        mcopy -i p2.raw v/v.bin v/v.txt :: || exit 97
        dd if=p1.raw of=disk.raw bs=512 seek=2048 conv=notrunc status=none
        dd if=p2.raw of=disk.raw bs=512 seek=43008 conv=notrunc status=none
        # Whether anything is still mounted on $1 (as /proc/mounts spells it).
        mounted() { grep -c " $(realpath -m "$1") " /proc/mounts; }
        # Waits (up to 10 s) for a swdd mount on $1.
        up() { for n in $(seq 100); do [ -e "$1/disk" ] && return 0; sleep 0.1; done; return 1; }

        """#

    static let cleanup = #"""
        for d in l m mp mp2; do umount "$d" 2>/dev/null; done
        for d in mp mp2; do fusermount3 -u "$d" 2>/dev/null; done
        [ -e pids ] && kill -9 $(cat pids) 2>/dev/null
        for f in p1.raw p2.raw disk.raw; do losetup -n -O NAME -j "$PWD/$f" | xargs -r -n1 losetup -d; done
        true
        """#

    static let cases: [MountCase] = [
        MountCase(name: "an image mounted: disk and partitions byte for byte, their files through loop mounts, random reads, EROFS, umount", script: #"""
            swdd image disk.raw d.img.zst 2> /dev/null
            swdd mount d.img.zst mp 2> err; echo "mount $?|mount 0"
            # In the background the command returns once the mount is up.
            echo "$(ls mp | tr '\n' ' ')|disk p1 p2 "
            cmp mp/disk disk.raw && echo "disk equal|disk equal"
            cmp mp/p1 p1.raw && echo "p1 equal|p1 equal"
            cmp mp/p2 p2.raw && echo "p2 equal|p2 equal"
            echo "$(stat -c %s mp/p1) $(stat -c %s p1.raw)"
            mount -o loop,ro mp/p1 l && (cd l && sha256sum -c --quiet ../sums1) && echo "ext4 files equal|ext4 files equal"; umount l
            mkdir out && mcopy -i mp/p2 ::v.bin ::v.txt out/ && (cd out && sha256sum -c --quiet ../sums2) && echo "vfat files equal|vfat files equal"
            python3 - <<'EOF'
            import os, random
            random.seed(17)
            a = os.open("mp/disk", os.O_RDONLY); b = os.open("disk.raw", os.O_RDONLY)
            size = os.fstat(b).st_size
            bad = 0
            for _ in range(300):
                offset = random.randrange(size); length = random.choice([1, 511, 4096, 65536, 300000, 5 << 20])
                if os.pread(a, length, offset) != os.pread(b, length, offset): bad += 1
            print(f"random reads differing {bad}|random reads differing 0")
            try:
                os.open("mp/p1", os.O_WRONLY); print("write open allowed|EROFS")
            except OSError as e:
                print(f"{os.strerror(e.errno)}|{os.strerror(30)}")
            # Reads go past the page cache: a shared mapping is refused, a private one reads right.
            import mmap
            try:
                mmap.mmap(a, 4096, mmap.MAP_SHARED, mmap.PROT_READ); print("shared mmap allowed|ENODEV")
            except OSError as e:
                print(f"{os.strerror(e.errno)}|{os.strerror(19)}")
            private = mmap.mmap(a, 3 << 20, mmap.MAP_PRIVATE, mmap.PROT_READ)
            print(f"private mmap equal {private[:] == os.pread(b, 3 << 20, 0)}|private mmap equal True")
            EOF
            # cat and cp size their reads by st_blksize: a whole 1 MiB chunk per read.
            echo "blksize $(stat -c %o mp/disk)|blksize 1048576"
            # Reads larger than a frame, at offsets inside frames, byte for byte.
            dd if=mp/disk iflag=skip_bytes skip=1234567 bs=2621447 count=5 status=none > large.mounted
            dd if=disk.raw iflag=skip_bytes skip=1234567 bs=2621447 count=5 status=none > large.raw
            echo "$(stat -c %s large.mounted)|13107235"
            cmp large.mounted large.raw && echo "large odd reads equal|large odd reads equal"
            echo "$(grep -c 'mounted .d.img.zst. on .mp.: disk, p1, p2 (read-only)' err) 1"
            swdd umount mp; echo "umount $?|umount 0"
            sleep 0.3; echo "mounted after umount $(mounted mp)|mounted after umount 0"
            echo "server left $(pgrep -fc '^swdd mount d.img.zst mp')|server left 0"
            swdd umount mp 2> err2; echo "again $?|again 1"
            echo "$(cat err2)|swdd: 'mp' is not a swdd mount"
            # A cache of two chunks: every read evicts, and what is read stays right.
            mkdir mp2 && swdd mount d.img.zst mp2 --cache 1 --quiet; echo "small cache mount $?|small cache mount 0"
            cmp mp2/disk disk.raw && echo "small cache disk equal|small cache disk equal"
            dd if=mp2/disk iflag=skip_bytes skip=1234567 bs=2621447 count=5 status=none | cmp - large.raw && echo "small cache odd reads equal|small cache odd reads equal"
            swdd umount mp2; echo "small cache umount $?|small cache umount 0"
            """#),
        MountCase(name: "a corrupted frame: EIO on reads touching it and one logged line naming the image offset; other reads still right", script: #"""
            swdd image disk.raw d.img.zst 2> /dev/null
            # The largest frame (the random bytes of a.bin) from the seek table; one byte in its middle flipped.
            python3 - > frame.txt <<'EOF'
            import struct
            data = open("d.img.zst", "rb").read()
            count, descriptor = struct.unpack("<IB", data[-9:-4])
            entry = 12 if descriptor & 0x80 else 8
            table = data[-9 - count * entry:-9]
            offset = source = 0; best = None
            for i in range(count):
                compressed, decompressed = struct.unpack("<II", table[i * entry:i * entry + 8])
                if best is None or compressed > best[1]: best = (offset, compressed, source, decompressed)
                offset += compressed; source += decompressed
            print(best[0] + best[1] // 2, best[2], best[3])
            EOF
            read at source length < frame.txt
            python3 -c "
            f = open('d.img.zst', 'r+b'); f.seek($at); b = f.read(1); f.seek($at); f.write(bytes([b[0] ^ 0xff]))"
            swdd mount d.img.zst mp --foreground 2> err &
            echo $! >> pids
            up mp; echo "up $?|up 0"
            dd if=mp/disk of=/dev/null bs=4096 skip=$((source / 4096 + 3)) count=1 status=none 2> dderr; echo "read in it $?|read in it 1"
            echo "$(grep -c 'Input/output error' dderr) 1"
            dd if=mp/disk of=/dev/null bs=4096 skip=$((source / 4096 + 7)) count=1 status=none 2> /dev/null; echo "again $?|again 1"
            cmp -n $source mp/disk disk.raw && echo "before it equal|before it equal"
            cmp -i $((source + length)) mp/disk disk.raw && echo "after it equal|after it equal"
            echo "logged lines $(grep -c "damaged at byte" err)|logged lines 1"
            echo "$(grep -c "reads of disk bytes $source-$((source + length - 1)) fail with EIO" err) 1"
            swdd umount mp; wait; echo "foreground exit $?|foreground exit 0"
            """#),
        MountCase(name: "an incremental restore point of a repository shows the newer data; --at the first shows the older", script: #"""
            swdd backup disk.raw repo --name d 2> /dev/null; echo "full $?|full 0"
            first=$(swdd repo repo --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["images"][0]["id"])')
            mount -o loop p1.raw m && head -c 2M /dev/urandom > m/new.bin && echo changed > m/b.txt && (cd m && sha256sum new.bin b.txt a.bin) > sums3; umount m
            dd if=p1.raw of=disk.raw bs=512 seek=2048 conv=notrunc status=none
            # Manifests record whole seconds, and --at latest picks by time.
            sleep 1.1
            swdd backup disk.raw repo --name d 2> /dev/null; echo "incremental $?|incremental 0"
            echo "$(swdd repo repo --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["images"][1]["kind"])') incremental"
            swdd mount repo mp 2> /dev/null; echo "mount $?|mount 0"
            cmp mp/disk disk.raw && echo "latest equal|latest equal"
            mount -o loop,ro mp/p1 l && (cd l && sha256sum -c --quiet ../sums3) && echo "new files equal|new files equal"; umount l
            # While mounted, the repository holds a read lease: prune waits for nobody, it refuses.
            swdd prune repo --keep-last 1 > /dev/null 2>&1; echo "prune while mounted $?|prune while mounted 5"
            swdd umount mp
            sleep 0.3; swdd mount repo mp --at "$first" 2> /dev/null; echo "mount --at $?|mount --at 0"
            mount -o loop,ro mp/p1 l && echo "$([ -e l/new.bin ] && echo present || echo absent) $(cat l/b.txt)|absent hello"; umount l
            swdd umount mp
            """#),
        MountCase(name: "--overlay: a journal needing replay is replayed into the overlay and the ext4 loop-mounts; the image is unchanged", script: #"""
            # An ext4 imaged while mounted and written: its superblock says needs_recovery.
            mount -o loop p1.raw m || exit 96
            head -c 1M /dev/urandom > m/late.bin; sync; (cd m && sha256sum late.bin) > sums4
            swdd image p1.raw j.img.zst 2> /dev/null
            umount m
            before=$(sha256sum < j.img.zst)
            swdd mount j.img.zst mp --overlay 2> /dev/null; echo "mount $?|mount 0"
            e2fsck -fn mp/disk > /dev/null 2>&1; echo "needs recovery $(dumpe2fs -h mp/disk 2>/dev/null | grep -c needs_recovery)|needs recovery 1"
            e2fsck -E journal_only -y mp/disk > /dev/null 2>&1; echo "replay $?|replay 0"
            e2fsck -fn mp/disk > /dev/null 2>&1; echo "e2fsck after replay $?|e2fsck after replay 0"
            mount -o loop,ro mp/disk l && (cd l && sha256sum -c --quiet ../sums4) && echo "files after replay equal|files after replay equal"; umount l
            swdd umount mp; sleep 0.3
            echo "$(sha256sum < j.img.zst)|$before"
            # The next mount starts from the image again: the overlay vanished.
            swdd mount j.img.zst mp 2> /dev/null
            echo "needs recovery again $(dumpe2fs -h mp/disk 2>/dev/null | grep -c needs_recovery)|needs recovery again 1"
            swdd umount mp
            swdd verify --fsck j.img.zst 2> fsck.err; echo "verify --fsck $?|verify --fsck 0"
            echo "$(grep -c 'disk (ext4): journal replayed in the overlay; clean (e2fsck -n -f disk)' fsck.err) 1"
            echo "left in TMPDIR $(ls -A "$TMPDIR" | wc -l)|left in TMPDIR 0"
            """#),
        MountCase(name: "SIGTERM and SIGINT of a foreground mount unmount it cleanly", script: #"""
            swdd image disk.raw d.img.zst 2> /dev/null
            for signal in TERM INT; do
                swdd mount d.img.zst mp --foreground 2> /dev/null &
                S=$!; echo $S >> pids
                up mp; echo "up $?|up 0"
                kill -$signal $S; wait $S; echo "$signal exit $?|$signal exit 0"
                echo "$signal mounted after $(mounted mp)|$signal mounted after 0"
            done
            """#),
        MountCase(name: "verify --fsck: clean filesystems exit 0 with a line each; a clobbered ext4 inode exits 4 with e2fsck's status and lines", script: #"""
            swdd image disk.raw d.img.zst 2> /dev/null
            swdd verify --fsck d.img.zst 2> err; echo "clean $?|clean 0"
            echo "$(grep -c '^swdd: p1 (ext4): clean (e2fsck -n -f p1)$' err) 1"
            echo "$(grep -c '^swdd: p2 (vfat): clean (fsck.vfat -n p2)$' err) 1"
            echo "$(swdd verify --fsck --json d.img.zst | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["clean"], [f["result"] for f in d["filesystems"]])')|True ['clean', 'clean']"
            # Inode 12 (a.bin) cleared while its directory entry still names it.
            debugfs -w -R "clri <12>" p1.raw > /dev/null 2>&1
            e2fsck -fn p1.raw > ref.out 2>&1; ref=$?
            dd if=p1.raw of=disk.raw bs=512 seek=2048 conv=notrunc status=none
            swdd image disk.raw bad.img.zst 2> /dev/null
            swdd verify --fsck bad.img.zst 2> err; echo "damaged $?|damaged 4"
            echo "$(grep -c "^swdd: p1 (ext4): errors found: e2fsck -n -f p1 exited with status $ref$" err) 1"
            echo "$(grep -c '^swdd: p2 (vfat): clean' err) 1"
            # e2fsck's first lines, as e2fsck says them on the partition's own bytes.
            echo "$(sed -n 's/^    //p' err | head -1)|$(head -1 ref.out)"
            echo "mounted after $(grep -c swdd-fsck /proc/mounts)|mounted after 0"
            """#),
        MountCase(name: "verify --fsck keeps a record beside the image and in a repository; list --fs and repo show it, the newest winning", script: #"""
            swdd image disk.raw d.img.zst 2> /dev/null
            echo "before $(swdd list d.img.zst --fs | grep -c 'Filesystem checks')|before 0"
            swdd verify --fsck d.img.zst 2> /dev/null; echo "clean $?|clean 0"
            # The record names the image it is about (its id), and when.
            echo "$(grep -Ec '^image [0-9a-f]{32}$' d.img.zst.fsck) $(grep -Ec '^checked [0-9]+$' d.img.zst.fsck)|1 1"
            echo "$(grep -c '^file p1 ext4 clean -$' d.img.zst.fsck) $(grep -c '^file p2 vfat clean -$' d.img.zst.fsck)|1 1"
            swdd list d.img.zst --fs > listing
            echo "$(grep -c '^Filesystem checks (swdd verify --fsck, ' listing) 1"
            echo "$(grep -Ec '^p1 +ext4 +clean$' listing) 1"
            echo "$(grep -Ec '^p2 +vfat +clean$' listing) 1"
            # A damaged ext4 (inode 12 cleared): its record says errors with e2fsck's status.
            debugfs -w -R "clri <12>" p1.raw > /dev/null 2>&1
            e2fsck -fn p1.raw > /dev/null 2>&1; ref=$?
            dd if=p1.raw of=disk.raw bs=512 seek=2048 conv=notrunc status=none
            swdd image disk.raw bad.img.zst 2> /dev/null
            swdd verify --fsck bad.img.zst 2> /dev/null; echo "damaged $?|damaged 4"
            echo "$(swdd list bad.img.zst --fs | grep -Ec "^p1 +ext4 +errors \(status $ref\)$") 1"
            # A record left beside a file since replaced by another image is not shown for it.
            cp d.img.zst.fsck bad.img.zst.fsck
            echo "stale $(swdd list bad.img.zst --fs | grep -c 'Filesystem checks')|stale 0"
            # A cut-short record is ignored, not an error.
            head -c 40 d.img.zst.fsck > cut && mv cut d.img.zst.fsck
            swdd list d.img.zst --fs > /dev/null; echo "cut short $?|cut short 0"
            echo "cut short shown $(swdd list d.img.zst --fs | grep -c 'Filesystem checks')|cut short shown 0"
            # In a repository: a new object per run, the newest shown; the image is never touched.
            swdd backup disk.raw repo --name d 2> /dev/null
            echo "$(swdd repo repo | grep -c ' -$')|1"
            swdd verify --fsck repo 2> /dev/null; echo "repo damaged $?|repo damaged 4"
            echo "$(swdd repo repo | grep -c "p1 errors (status $ref), p2 clean$")|1"
            e2fsck -fy p1.raw > /dev/null 2>&1
            dd if=p1.raw of=disk.raw bs=512 seek=2048 conv=notrunc status=none
            # A new full image, so that prune --keep-last 1 can remove the first.
            sleep 1.1; swdd backup disk.raw repo --name d --full 2> /dev/null
            before=$(sha256sum repo/images/* | sha256sum)
            swdd verify --fsck repo 2> /dev/null; echo "repo repaired $?|repo repaired 0"
            sleep 1.1; swdd verify --fsck repo 2> /dev/null
            echo "objects $(ls repo/fsck | wc -l)|objects 3"
            echo "$(swdd repo repo | grep -c 'p1 clean, p2 clean$') 1"
            echo "$(swdd repo repo | grep -c "p1 errors (status $ref), p2 clean$") 1"
            echo "$(swdd repo repo --json | python3 -c 'import json,sys; print([i["fsck"]["passed"] for i in json.load(sys.stdin)["images"]])')|[False, True]"
            echo "$(sha256sum repo/images/* | sha256sum)|$before"
            # Prune removes an image's records with it.
            swdd prune repo --keep-last 1 > /dev/null 2>&1; echo "prune $?|prune 0"
            echo "objects after prune $(ls repo/fsck | wc -l)|objects after prune 2"
            """#),
    ]

    @Test("mounts images and restore points as files, and checks their filesystems", arguments: cases)
    func mounts(_ c: MountCase) throws {
        try BenchCommandTests.skipUnderGNU()
        try BenchCommandTests.skipWithoutLoop()
        if getuid() != 0 {
            print("SKIP \(c.name): needs root for FUSE and loop mounts")
            try Test.cancel("needs root for FUSE and loop mounts")
        }
        if !FileManager.default.fileExists(atPath: "/dev/fuse") {
            print("SKIP \(c.name): no /dev/fuse (modprobe fuse)")
            try Test.cancel("no /dev/fuse")
        }
        for tool in ["fusermount3", "sfdisk", "mkfs.ext4", "mkfs.vfat", "e2fsck", "fsck.vfat", "debugfs", "mcopy", "python3"]
        where DDReference.shell("command -v \(tool)", in: "/").status != 0 {
            print("SKIP \(c.name): \(tool) is not installed")
            try Test.cancel(Comment(rawValue: "\(tool) is not installed"))
        }
        let (dir, bin) = try TargetSafetyReferenceTests.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        defer { _ = DDReference.shell(Self.cleanup, in: dir) }
        // The script's own TMPDIR, so the overlay's and --fsck's temporary files can be counted.
        let prelude = "export TMPDIR=\"$PWD/tmp\"; mkdir -p \"$TMPDIR\"\n"
        let result = DDReference.shell(prelude + Self.setup + c.script + "\n" + Self.cleanup, in: dir, path: bin, timeout: 180)
        ScriptCase.expectPairs(result, name: c.name)
    }
}
