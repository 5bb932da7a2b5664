// swdd image / restore / verify against independent tools: `zstd -d` must give the source back
// byte for byte, pyzstd's SeekableZstdFile (an independent reader of the seekable format) must
// read it at random offsets, `cmp` and `sha256sum` judge every round trip, `fdisk -l` the
// restored partition tables; damaged, truncated and foreign files are refused before a target
// is touched; a killed run leaves only DEST.partial.

import Foundation
import Testing

@Suite("swdd image, restore, verify", .serialized)
struct ImageReferenceTests {
    /// `disk`: 12 MiB + 7 bytes of random data, text, written zeros and a hole; `sum FILE` its SHA-256.
    static let prelude = #"""
        sum() { sha256sum < "$1" | cut -d' ' -f1; }
        blocks() { stat -c %b "$1"; }
        head -c 3000000 "$REF_POOL" > disk
        head -c 2000000 /dev/zero >> disk
        for i in $(seq 1 60000); do printf 'line %d of some text\n' "$i"; done | head -c 1500000 >> disk
        truncate -s 12M disk && head -c 7 "$REF_POOL" >> disk

        """#

    static let cases: [ScriptCase] = [
        ScriptCase(name: "zstd -d gives the source back; zstd -l sees the frames and swdd's skippable frames", script: """
            swdd image disk disk.img.zst 2> err || exit 1
            echo "$(zstd -dc disk.img.zst | sha256sum | cut -d' ' -f1) $(sum disk)"
            echo "$(zstd -l disk.img.zst | awk 'NR==2 {print $2}') 3"
            echo "$(ls disk.img.zst.partial 2>/dev/null | wc -l) 0"
            echo "$(grep -c "^swdd: imaged 'disk' (12 MiB) into 'disk.img.zst'" err) 1"
            """),
        ScriptCase(name: "an independent seekable-format reader reads it at random offsets", script: #"""
            swdd image disk disk.img.zst --chunk 2M --quiet || exit 1
            python3 - <<'PY'
            import random
            from pyzstd import SeekableZstdFile
            data = open('disk', 'rb').read()
            f = SeekableZstdFile('disk.img.zst', 'r')
            bad = 0
            for _ in range(300):
                o = random.randrange(len(data)); n = random.randrange(1, 3000000)
                f.seek(o)
                bad += f.read(n) != data[o:o + n]
            print(bad, 0)
            print(f.seek(0, 2), len(data))
            PY
            """#, requires: ("python3 -c 'import pyzstd'", "pyzstd is not installed (scripts/setup installs it)")),
        ScriptCase(name: "restore to a new file: same bytes, holes stay holes, no partial left", script: """
            swdd image disk i.zst --quiet && swdd restore i.zst out --quiet || exit 1
            echo "$(sum out) $(sum disk)"
            echo "$(stat -c %s out) $(stat -c %s disk)"
            echo "$([ "$(blocks out)" -lt "$(blocks disk)" ] && echo fewer) fewer"
            echo "$(ls out.partial 2>/dev/null | wc -l) 0"
            """),
        ScriptCase(name: "standard input to standard output, both ways", script: """
            cat disk | swdd image - - 2>/dev/null > s.zst || exit 1
            echo "$(zstd -dc s.zst | sha256sum | cut -d' ' -f1) $(sum disk)"
            swdd restore s.zst - 2>/dev/null | sha256sum | cut -d' ' -f1 > got
            echo "$(cat got) $(sum disk)"
            """),
        ScriptCase(name: "--store, --level 3, --chunk 4M, --hash sha256 all round-trip", script: """
            for opts in "--store" "--level 3" "--chunk 4M" "--hash sha256" "--threads 1"; do
                swdd image disk i.zst --overwrite --quiet $opts || exit 1
                echo "$(zstd -dc i.zst | sha256sum | cut -d' ' -f1)|$(sum disk)"
                swdd verify i.zst --quiet; echo "$opts verify $?|$opts verify 0"
            done
            # Stored: the six 1 MiB chunks that hold data as they are, the zero ones as tiny frames.
            swdd image disk st.zst --store --quiet && swdd image disk z.zst --quiet
            echo "$([ "$(stat -c %s st.zst)" -gt 6291456 ] && [ "$(stat -c %s st.zst)" -lt 6300000 ] && echo raw) raw"
            echo "$([ "$(stat -c %s z.zst)" -lt 3400000 ] && echo compressed) compressed"
            """),
        ScriptCase(name: "an existing file: refused without --overwrite; with it, old data under zero blocks is punched", script: """
            swdd image disk i.zst --quiet || exit 1
            head -c 13000000 "$REF_POOL" > old && cp old keep
            swdd restore i.zst old 2> err; echo "$? 1"
            echo "$(cat err)|swdd: 'old' exists (use --overwrite to replace it)"
            echo "$(sum old) $(sum keep)"
            swdd restore i.zst old --overwrite --quiet || exit 1
            echo "$(sum old) $(sum disk)"
            echo "$(stat -c %s old) $(stat -c %s disk)"
            echo "$([ "$(blocks old)" -lt "$(blocks keep)" ] && echo punched) punched"
            """),
        ScriptCase(name: "--at and --name with an image, not a repository: exit 2 in one line, nothing written", script: """
            swdd image disk i.zst --quiet || exit 1
            for command in "restore i.zst out --at latest" "restore i.zst out --name disk" "verify --fsck i.zst --at latest"; do
                swdd $command > /dev/null 2> err; echo "$command $?|$command 2"
                echo "$(cat err)|swdd: --at and --name pick a restore point of a repository; 'i.zst' is not one"
            done
            echo "$(ls out out.partial 2>/dev/null | wc -l) 0"
            """),
        ScriptCase(name: "a damaged byte, a truncated image and a foreign file are refused before the target is touched", script: """
            swdd image disk i.zst --quiet || exit 1
            cp i.zst bad.zst && flip bad.zst 300000
            head -c 20000 "$REF_POOL" > target && cp target keep
            swdd restore bad.zst target --overwrite 2> err; echo "$? 4"
            echo "$(sum target) $(sum keep)"
            echo "$(grep -c "failed the check before writing; 'target' was not touched: damaged at byte" err) 1"
            swdd verify bad.zst 2>/dev/null; echo "verify damaged $?|verify damaged 4"
            head -c 2000000 i.zst > cut.zst
            swdd restore cut.zst target --overwrite 2> err; echo "$? 4"
            echo "$(grep -c 'the seek table is missing' err) 1"
            swdd restore disk target --overwrite 2> err; echo "$? 1"
            echo "$(cat err)|swdd: cannot restore 'disk': not a swdd image: no zstd seek table at its end"
            zstd -q disk -o plain.zst && swdd verify plain.zst 2>/dev/null; echo "plain zstd $?|plain zstd 1"
            echo "$(sum target) $(sum keep)"
            swdd restore bad.zst new 2>/dev/null; echo "$? 4"
            echo "$(ls new new.partial 2>/dev/null | wc -l) 0"
            """),
        ScriptCase(name: "refusals: an existing DEST, a chunk size, a new file in /dev", script: """
            swdd image disk i.zst --quiet || exit 1
            swdd image disk i.zst 2> err; echo "$? 1"
            echo "$(cat err)|swdd: 'i.zst' exists (use --overwrite to replace it)"
            swdd image disk disk.zst --chunk 5M 2> err; echo "$? 2"
            echo "$(cat err)|swdd: invalid chunk size '5M': expected 1M, 2M, 3M or 4M"
            swdd image disk /dev/swdd-typo.img 2> err; echo "$? 1"
            echo "$(cat err)|swdd: refusing to create '/dev/swdd-typo.img' in /dev, which holds devices (use --force to create it anyway)"
            """),
        ScriptCase(name: "a killed image leaves only DEST.partial, never a complete-looking image", script: """
            head -c 200000000 /dev/urandom > big
            # Kill once the image is being written (the .partial exists), however slow start-up is.
            started() { for _ in $(seq 1 400); do [ -s big.zst.partial ] && return 0; sleep 0.025; done; return 1; }
            swdd image big big.zst --quiet --threads 1 & p=$!
            started; echo "started $?|started 0"
            kill -TERM $p; wait $p; echo "killed $?|killed 143"
            echo "$(ls big.zst big.zst.partial 2>/dev/null | wc -l) 0"
            swdd image big big.zst --quiet --threads 1 & p=$!
            started; kill -KILL $p; wait $p
            echo "$(ls big.zst 2>/dev/null | wc -l) 0"
            echo "$(ls big.zst.partial | wc -l) 1"
            swdd verify big.zst.partial 2>/dev/null; echo "partial $?|partial 4"
            """),
        ScriptCase(name: "--bmap: bmaptool copy restores the image with the bmap it finds, checking every range", script: #"""
            swdd image disk disk.img.zst --bmap --quiet || exit 1
            echo "$(ls disk.img.bmap disk.img.bmap.partial 2>/dev/null | tr '\n' ' ')|disk.img.bmap "
            truncate -s "$(stat -c %s disk)" copy
            bmaptool copy disk.img.zst copy 2> err; echo "bmaptool $?|bmaptool 0"
            echo "$(sum copy) $(sum disk)"
            echo "$(grep -c 'discovered bmap file' err) 1"
            # Mapped: the 4 KiB blocks that hold a non-zero byte, as bmaptool's reader counts them.
            python3 - <<'PY'
            import re
            data = open('disk', 'rb').read()
            nonzero = sum(1 for i in range(0, len(data), 4096) if data[i:i + 4096].strip(bytes(1)))
            bmap = open('disk.img.bmap').read()
            print(re.search(r'<MappedBlocksCount> (\d+) </MappedBlocksCount>', bmap).group(1), nonzero)
            print(re.search(r'<BlocksCount> (\d+) </BlocksCount>', bmap).group(1), (len(data) + 4095) // 4096)
            PY
            swdd image disk disk.img.zst --bmap 2> err; echo "exists $?|exists 1"
            """#),
        ScriptCase(name: "verify IMAGE TARGET and restore --verify read the target back and compare every block", script: """
            swdd image disk i.zst --quiet || exit 1
            swdd verify i.zst disk 2> err; echo "same $?|same 0"
            echo "$(grep -c "'disk' holds the same bytes" err) 1"
            cp disk changed && printf 'X' | dd of=changed bs=1 seek=5000000 conv=notrunc 2>/dev/null
            swdd verify i.zst changed 2> err; echo "changed $?|changed 4"
            echo "$(cat err)|swdd: 'changed': it differs from the image at block 4 (byte 4194304)"
            head -c 100 disk > short
            swdd verify i.zst short 2> err; echo "short $?|short 4"
            echo "$(cat err)|swdd: 'short': it ended at byte 100, before the image's size"
            swdd verify i.zst missing 2>/dev/null; echo "missing $?|missing 1"
            swdd restore i.zst back --verify 2> err; echo "restore $?|restore 0"
            echo "$(grep -c 'read back and checked' err) 1"
            """),
        ScriptCase(name: "restore --verify onto a loop device, read back with O_DIRECT; image refuses a device as DEST", script: """
            swdd image disk i.zst --quiet || exit 1
            truncate -s 16M blank.raw && b=$(losetup -f --show blank.raw) || exit 98
            swdd restore i.zst $b --verify 2> err; echo "restore $?|restore 0"
            echo "$(grep -c 'read back and checked' err) 1"
            # Reversed arguments must not destroy a disk: image never writes a block device.
            swdd image disk $b 2> err; echo "image onto a device $?|image onto a device 1"
            echo "$(cat err)|swdd: refusing to write an image to block device '$b': image never writes a disk (restore does)"
            swdd verify i.zst $b 2>/dev/null; echo "untouched $?|untouched 0"
            swdd verify i.zst $b 2>/dev/null; echo "verify $?|verify 0"
            printf 'Y' | dd of=$b bs=1 seek=100 conv=notrunc 2>/dev/null
            swdd verify i.zst $b 2>/dev/null; echo "changed $?|changed 4"
            losetup -d $b
            """, needsLoop: true),
        ScriptCase(name: "restore from a pipe: new file, existing file, standard output; cut and damaged streams", script: """
            swdd image disk i.zst --quiet || exit 1
            cat i.zst | swdd restore - new --quiet; echo "new $?|new 0"
            echo "$(sum new) $(sum disk)"
            head -c 20000 "$REF_POOL" > old
            cat i.zst | swdd restore - old --overwrite 2> err; echo "old $?|old 0"
            echo "$(sum old) $(sum disk)"
            echo "$(grep -c 'cannot be checked before writing' err) 1"
            cat i.zst | swdd restore - - 2>/dev/null | sha256sum | cut -d' ' -f1 > got; echo "$(cat got) $(sum disk)"
            head -c 2000000 i.zst | swdd restore - cut 2> err; echo "cut $?|cut 4"
            echo "$(ls cut cut.partial 2>/dev/null | wc -l) 0"
            echo "$(grep -c 'nothing was left at .cut.: damaged at byte' err) 1"
            cp i.zst bad.zst && flip bad.zst 300000
            head -c 20000 "$REF_POOL" > victim
            cat bad.zst | swdd restore - victim --overwrite 2> err; echo "bad $?|bad 4"
            echo "$(grep -c "'victim' is incomplete" err) 1"
            cat disk | swdd restore - x 2> err; echo "foreign $?|foreign 1"
            echo "$(cat err)|swdd: cannot restore standard input: not a swdd image: the stream does not start with a swdd header"
            """),
        ScriptCase(name: "restore from a pipe onto a loop device", script: """
            swdd image disk i.zst --quiet || exit 1
            truncate -s 16M blank.raw && b=$(losetup -f --show blank.raw) || exit 98
            cat i.zst | swdd restore - $b --quiet; echo "restore $?|restore 0"
            swdd verify i.zst $b 2>/dev/null; echo "verify $?|verify 0"
            losetup -d $b
            """, needsLoop: true),
        ScriptCase(name: "list IMAGE prints the table inside as fdisk -l prints the source (gpt, dos with logical partitions, --fs)", script: """
            truncate -s 100M gpt.raw dos.raw
            printf 'label: gpt\n,20M,L\n,30M,L\n,,L\n' | sfdisk -q gpt.raw || exit 97
            printf 'label: dos\n,10M,83\n,,5\n,20M,83\n,30M,c\n,,83\n' | sfdisk -q dos.raw || exit 97
            mkfs.ext4 -q -F -L inside -E offset=$((24576 * 512)) dos.raw 20M 2>/dev/null || exit 97
            for t in gpt dos; do
                swdd image $t.raw $t.zst --quiet || exit 1
                # Same-length names, so fdisk's columns line up alike.
                echo "$(swdd list $t.zst | sed "s/$t.zst/DISK/g" | sha256sum | cut -c1-16)|$(fdisk -l $t.raw | sed "s/$t.raw/DISK/g" | sha256sum | cut -c1-16)"
            done
            echo "$(swdd list $t.zst | grep -c 'W95 FAT32') 1"
            echo "$(swdd list --fs dos.zst | sed 's/dos.zst/DISK/g' | sha256sum | cut -c1-16)|$(swdd list --fs dos.raw | sed 's/dos.raw/DISK/g' | sha256sum | cut -c1-16)"
            echo "$(swdd list --fs dos.zst | grep -c inside) 1"
            swdd list --json gpt.zst | python3 -c "import json,sys; d = json.load(sys.stdin); print(len(d['disks'][0]['partitiontable']['partitions']), 3)"
            """),
        ScriptCase(name: "unreadable sectors: stop with the offset, or --keep-going stores zeros, records the ranges, exits 3", script: """
            \(ReadErrorCases.setup)
            head -c 3000000 "$REF_POOL" > src
            bad() { LD_PRELOAD=$PWD/bad.so BAD_FILE=src BAD_START=1050000 BAD_END=1060000 "$@"; }
            bad swdd image src i.zst 2> err; echo "stop $?|stop 1"
            echo "$(grep -c "read error at byte 1049600: Input/output error" err) 1"
            echo "$(ls i.zst i.zst.partial 2>/dev/null | wc -l) 0"
            bad swdd image src i.zst --keep-going --json > j 2> err; echo "keep $?|keep 3"
            echo "$(grep -c "could not be read in 11 KiB in 1 range, the first at byte 1049600" err) 1"
            # Whole 512-byte sectors fail, as on a disk: 1049600..<1060352 holds the bad bytes.
            python3 -c "import json; print(json.load(open('j'))['unreadable'], '|', [[1049600, 10752]], sep='')"
            python3 -c "d = bytearray(open('src', 'rb').read()); d[1049600:1060352] = bytes(10752); open('expected', 'wb').write(d)"
            echo "$(zstd -dc i.zst | sha256sum | cut -d' ' -f1) $(sum expected)"
            swdd verify i.zst 2> err; echo "verify $?|verify 3"
            echo "$(grep -c 'could not be read in 11 KiB in 1 range' err) 1"
            swdd restore i.zst back 2>/dev/null; echo "restore $?|restore 3"
            echo "$(sum back) $(sum expected)"
            """),
        ScriptCase(name: "bmaptool's own image + bmap pairs, raw and .zst, every range checked", script: """
            truncate -s 32M pair.raw
            dd if="$REF_POOL" of=pair.raw bs=1M seek=2 count=3 conv=notrunc status=none
            head -c 100000 disk | dd of=pair.raw bs=1M seek=20 conv=notrunc status=none
            bmaptool create -o pair.raw.bmap pair.raw 2>/dev/null || exit 97
            zstd -q pair.raw -o pair.raw.zst
            swdd restore pair.raw new1 --quiet; echo "raw $?|raw 0"
            echo "$(sum new1) $(sum pair.raw)"
            swdd restore pair.raw.zst new2 --quiet; echo "zst $?|zst 0"
            echo "$(sum new2) $(sum pair.raw)"
            cp pair.raw bad.raw && printf 'Q' | dd of=bad.raw bs=1 seek=2500000 conv=notrunc 2>/dev/null
            cp new1 keep
            swdd restore bad.raw new1 --overwrite --bmap pair.raw.bmap 2> err; echo "bad $?|bad 4"
            echo "$(sum new1) $(sum keep)"
            echo "$(grep -c 'do not match their checksum in the bmap' err) 1"
            sed 's/<ImageSize> 33554432/<ImageSize> 33554433/' pair.raw.bmap > edited.bmap
            swdd restore pair.raw new3 --bmap edited.bmap 2> err; echo "edited $?|edited 1"
            echo "$(cat err)|swdd: cannot use bmap 'edited.bmap': its BmapFileChecksum does not match"
            """),
        ScriptCase(name: "dd mode compress=zstd writes the same kind of image, with dd's record lines; what cannot apply is refused", script: """
            swdd if=disk of=dd.img.zst bs=4M compress=zstd 2> err; echo "dd $?|dd 0"
            echo "$(zstd -dc dd.img.zst | sha256sum | cut -d' ' -f1) $(sum disk)"
            swdd verify dd.img.zst 2>/dev/null; echo "verify $?|verify 0"
            dd if=disk of=/dev/null bs=4M 2> ref
            echo "$(head -2 err | tr '\n' ' ')|$(head -2 ref | tr '\n' ' ')"
            swdd if=disk of=part.zst bs=1M skip=2 count=3 compress=zstd:3 status=none; echo "part $?|part 0"
            echo "$(zstd -dc part.zst | sha256sum | cut -d' ' -f1) $(dd if=disk bs=1M skip=2 count=3 status=none | sha256sum | cut -d' ' -f1)"
            cat disk | swdd of=piped.zst compress=zstd status=none; echo "$(zstd -dc piped.zst | sha256sum | cut -d' ' -f1) $(sum disk)"
            swdd if=disk of=x.zst seek=1 compress=zstd 2> err; echo "seek $?|seek 1"
            echo "$(cat err)|swdd: compress= cannot be combined with seek="
            swdd if=disk of=x.zst conv=ucase compress=zstd 2> err; echo "$(cat err)|swdd: compress= cannot be combined with conv=ucase"
            swdd if=disk of=x.zst compress=gzip 2> err; echo "bad $?|bad 1"
            echo "$(head -1 err)|swdd: invalid compression: 'gzip' (expected zstd or zstd:LEVEL, -7 to 22)"
            echo "$(ls x.zst x.zst.partial 2>/dev/null | wc -l) 0"
            """),
        ScriptCase(name: "dd mode refuses to create a regular file in the devtmpfs /dev; /dev/shm and force=yes still write", script: """
            head -c 1000 disk > small
            swdd if=small of=/dev/swdd-no-such-disk 2> err; echo "refused $?|refused 1"
            echo "$(cat err)|swdd: refusing to create '/dev/swdd-no-such-disk': there is no such device, and /dev holds devices (use force=yes to create a file there)"
            echo "$(ls /dev/swdd-no-such-disk 2>/dev/null | wc -l) 0"
            swdd if=small of=/dev/shm/swdd-test-$$ status=none; echo "shm $?|shm 0"
            rm -f /dev/shm/swdd-test-$$
            swdd if=small of=/dev/swdd-forced-$$ force=yes status=none; echo "forced $?|forced 0"
            rm -f /dev/swdd-forced-$$
            swdd if=small of=/dev/null status=none; echo "null $?|null 0"
            """),
        ScriptCase(name: "--json summary", script: """
            swdd image disk i.zst --json > j || exit 1
            python3 -c "import json; d = json.load(open('j')); print(d['source_bytes'], $(stat -c %s disk)); print(d['image_bytes'], $(stat -c %s i.zst)); print(d['frames'], 13)"
            swdd verify i.zst --json > v
            python3 -c "import json; d = json.load(open('v')); print(d['intact'], True); print(d['blocks'], 13)"
            """),
        ScriptCase(name: "loop devices with gpt and dos tables: restore, fdisk -l, sector-size and size refusals", script: """
            for table in gpt dos; do
                truncate -s 64M src.raw blank.raw && printf 'label: %s\\n,20M,L\\n,,L\\n' $table | sfdisk -q src.raw || exit 97
                dd if="$REF_POOL" of=src.raw bs=1M seek=30 count=3 conv=notrunc status=none
                a=$(losetup -f --show src.raw) || exit 98
                b=$(losetup -f --show blank.raw) || { losetup -d $a; exit 98; }
                swdd image $a $table.zst --quiet; echo "image $table $?|image $table 0"
                head -c 4096 /dev/urandom | dd of=$b conv=notrunc status=none
                swdd restore $table.zst $b --quiet; echo "restore $table $?|restore $table 0"
                echo "$(cmp $a $b && echo same)|same"
                echo "$(fdisk -l $b | tail -2 | awk '{print $2, $3}' | tr '\\n' ' ')|$(fdisk -l $a | tail -2 | awk '{print $2, $3}' | tr '\\n' ' ')"
                losetup -d $a $b
                c=$(losetup -f --show --sector-size 4096 blank.raw) || exit 98
                swdd restore $table.zst $c 2> err; echo "4096 $table $?|4096 $table 1"
                echo "$(grep -c "its logical sectors are 4096 bytes, the image's 512" err) 1"
                losetup -d $c
                truncate -s 32M small.raw && d=$(losetup -f --show small.raw) || exit 98
                swdd restore $table.zst $d 2> err; echo "small $table $?|small $table 1"
                losetup -d $d
            done
            """, needsLoop: true),
        ScriptCase(name: "a 4096-byte-sector device round-trips onto another", script: """
            truncate -s 16M a.raw b.raw && dd if="$REF_POOL" of=a.raw bs=1M count=5 seek=2 conv=notrunc status=none
            a=$(losetup -f --show --sector-size 4096 a.raw) && b=$(losetup -f --show --sector-size 4096 b.raw) || exit 98
            swdd image $a i.zst --quiet && swdd restore i.zst $b --quiet; echo "$? 0"
            echo "$(cmp $a $b && echo same)|same"
            losetup -d $a $b
            """, needsLoop: true),
    ]

    @Test("matches the reference tools", arguments: cases)
    func matchesReferenceTools(_ c: ScriptCase) throws {
        try c.run(prelude: Self.prelude)
    }
}
