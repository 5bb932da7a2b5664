// swdd backup / restore REPO / verify REPO / repo / prune, judged by sha256sum of the source as
// it was at each backup, zstd itself on the images, and the repository's listing before and
// after a kill or a concurrent run.

import Foundation
import Testing

@Suite("swdd backup, repo, prune", .serialized)
struct BackupReferenceTests {
    /// `sum FILE`; `change DEV N`: N scattered 1 MiB blocks of DEV overwritten with new random data;
    /// `back DAY ARGS`: a backup made "on" 2026-11-DAY at 10:00 (UTC: the harness sets TZ), the source's
    /// SHA-256 at that moment kept in want.DAY.
    static let prelude = #"""
        sum() { sha256sum < "$1" | cut -d' ' -f1; }
        change() { for n in $(shuf -i 0-47 -n "$2"); do head -c 1M /dev/urandom | dd of="$1" bs=1M seek=$n conv=notrunc,fsync status=none; done; }
        back() { day=$1; shift; SWDD_NOW=2026-11-${day}T10:00 swdd backup "$SRC" repo --name disk --quiet "$@" || exit 1; sum "$SRC" > want.$day; }
        field() { python3 -c "import json,sys; print(' '.join(str(i['$1']) for i in json.load(sys.stdin)['images']))"; }
        head -c 24M /dev/urandom > src.raw && truncate -s 48M src.raw
        SRC=src.raw

        """#

    static let cases: [ScriptCase] = [
        ScriptCase(name: "on a loop device: full, incrementals, a differential; every point restores as the source was", script: """
            SRC=$(losetup -f --show src.raw) || exit 98
            trap 'losetup -d $SRC' EXIT
            back 01
            change $SRC 3; back 02
            change $SRC 2; back 03 --incremental
            change $SRC 3; back 04 --differential
            change $SRC 2; back 05
            swdd repo repo --json > list.json || exit 1
            echo "$(field kind < list.json)|full incremental incremental differential incremental"
            echo "$(field changed_blocks < list.json | cut -d' ' -f2,3)|3 2"
            # The differential holds everything changed since the full: at least the last change's 3 blocks.
            d=$(field changed_blocks < list.json | cut -d' ' -f4); echo "$([ "$d" -ge 3 ] && [ "$d" -le 8 ] && echo diff) diff"
            for day in 01 02 03 04 05; do
                swdd restore repo out.$day --at 2026-11-${day}T12:00 --quiet; echo "restore $day $?|restore $day 0"
                echo "$(sum out.$day) $(cat want.$day)"
            done
            # Each image file on its own, its parents found beside it.
            i=1; for id in $(field id < list.json); do
                swdd restore repo/images/$id.img.zst img.$i --quiet && echo "$(sum img.$i) $(cat want.0$i)"; i=$((i + 1))
            done
            # By id, onto a second loop device, read back.
            truncate -s 48M dst.raw && DST=$(losetup -f --show dst.raw) || exit 98
            trap 'losetup -d $SRC $DST' EXIT
            first=$(field id < list.json | cut -c1-8)
            swdd restore repo $DST --at $first --verify --quiet; echo "device $?|device 0"
            echo "$(sum $DST) $(cat want.01)"
            swdd restore repo $DST --verify --quiet; echo "latest $?|latest 0"
            echo "$(sum $DST) $(cat want.05)"
            swdd verify repo --quiet; echo "verify $?|verify 0"
            """, needsLoop: true),
        ScriptCase(name: "an incremental image is a whole-length zstd stream; only its changed blocks are stored", script: """
            back 01; change src.raw 2; back 02
            inc=$(swdd repo repo --json | field id | cut -d' ' -f2)
            echo "$(zstd -dc repo/images/$inc.img.zst | wc -c) $(stat -c %s src.raw)"
            zstd -tq repo/images/$inc.img.zst; echo "zstd -t $?|zstd -t 0"
            s=$(stat -c %s repo/images/$inc.img.zst); echo "$([ $s -gt 2097152 ] && [ $s -lt 2200000 ] && echo small) small"
            swdd verify repo/images/$inc.img.zst 2> err; echo "verify $?|verify 0"
            echo "$(grep -c 'blocks checked (xxh3-128), .* left to its parent' err) 1"
            cat repo/images/$inc.img.zst | swdd restore - piped 2> err; echo "pipe $?|pipe 4"
            echo "$(grep -c 'its unchanged blocks live in its parent' err) 1"
            echo "$(ls piped piped.partial 2>/dev/null | wc -l) 0"
            """),
        ScriptCase(name: "kill -9 mid-backup: the repository lists, verifies and restores as before; the next backup cleans up", script: """
            back 01 --level 19
            swdd repo repo > before || exit 1
            head -c 24M /dev/urandom | dd of=src.raw bs=1M seek=24 conv=notrunc status=none
            SWDD_NOW=2026-11-02T10:00 swdd backup src.raw repo --name disk --level 19 --quiet & pid=$!
            while [ -z "$(ls repo/images/*.partial 2>/dev/null)" ]; do sleep 0.05; done; sleep 0.3
            kill -9 $pid; wait $pid 2>/dev/null
            echo "$(ls repo/images/*.partial | wc -l) 1"
            swdd repo repo > after; echo "$(sum after) $(sum before)"
            swdd verify repo --quiet; echo "verify $?|verify 0"
            swdd restore repo out --quiet && echo "$(sum out) $(cat want.01)"
            SWDD_NOW=2026-11-03T10:00 swdd backup src.raw repo --name disk 2> err; sum src.raw > want.03
            echo "$(grep -c 'removed 1 file an interrupted backup left' err) 1"
            echo "$(ls repo/images/*.partial 2>/dev/null | wc -l) 0"
            swdd restore repo out2 --quiet && echo "$(sum out2) $(cat want.03)"
            """),
        ScriptCase(name: "two backups at once: the second is refused naming the holder (exit 5); a restore runs alongside", script: """
            back 01
            # Text: zstd -19 takes seconds over it, time enough for the second backup, the prune and
            # the restore to run while the first still holds its lease, even on a loaded machine.
            head -c 18M /dev/urandom | base64 | head -c 24M | dd of=src.raw bs=1M seek=24 conv=notrunc status=none
            SWDD_NOW=2026-11-02T10:00 swdd backup src.raw repo --name disk --level 19 --quiet & pid=$!
            while [ -z "$(ls repo/images/*.partial 2>/dev/null)" ]; do sleep 0.05; done
            SWDD_NOW=2026-11-02T10:00 swdd backup src.raw repo --name disk --quiet 2> err; echo "second $?|second 5"
            echo "$(grep -c "^swdd: repository 'repo' is locked by a backup on $(hostname) (PID $pid) since" err) 1"
            swdd prune repo --keep-last 1 2> err; echo "prune $?|prune 5"
            swdd restore repo alongside --quiet; echo "restore $?|restore 0"
            echo "$(sum alongside) $(cat want.01)"
            wait $pid; echo "first $?|first 0"
            swdd verify repo --quiet; echo "verify $?|verify 0"
            echo "$(swdd repo repo --json | field kind)|full incremental"
            echo "$(ls repo/locks | wc -l) 0"
            """),
        ScriptCase(name: "a stale lock (dead PID, or expired) is ignored; a live one is not", script: """
            back 01
            printf 'swdd-lock 1\\nid dead\\nuse exclusive\\nhost %s\\npid 999999\\ncreated 1\\nexpires 99999999999\\n' "$(hostname)" > repo/locks/dead.lock
            printf 'swdd-lock 1\\nid old\\nuse exclusive\\nhost elsewhere\\npid 1\\ncreated 1\\nexpires 2\\n' > repo/locks/old.lock
            back 02; echo "stale ok|stale ok"
            echo "$(ls repo/locks | wc -l) 0"
            printf 'swdd-lock 1\\nid live\\nuse exclusive\\nhost elsewhere\\npid 1\\ncreated 1\\nexpires 99999999999\\n' > repo/locks/live.lock
            swdd restore repo x 2> err; echo "live $?|live 5"
            echo "$(grep -c 'locked by a prune on elsewhere (PID 1)' err) 1"
            """),
        ScriptCase(name: "a repository mounted read-only is read without a lease (a live prune still refuses); writers get one line", script: """
            back 01
            printf 'swdd-lock 1\\nid stale\\nuse exclusive\\nhost elsewhere\\npid 1\\ncreated 1\\nexpires 2\\n' > repo/locks/stale.lock
            mkdir ro && mount --bind repo ro && mount -o remount,ro,bind ro || { echo "SKIP a read-only bind mount cannot be made here"; exit 0; }
            trap 'umount ro' EXIT
            swdd restore ro out --quiet; echo "restore $?|restore 0"
            echo "$(sum out) $(cat want.01)"
            swdd verify ro --quiet; echo "verify $?|verify 0"
            echo "$(swdd repo ro --json | field kind)|full"
            # The stale lease stays: this reader cannot remove it, and needs not.
            echo "$(ls repo/locks)|stale.lock"
            swdd backup "$SRC" ro --name disk 2> err; echo "backup $?|backup 1"
            echo "$(wc -l < err) $(grep -c "^swdd: cannot lock repository 'ro': .*Read-only file system" err)|1 1"
            swdd prune ro --keep-last 1 2> err; echo "prune $?|prune 1"
            umount ro
            printf 'swdd-lock 1\\nid live\\nuse exclusive\\nhost elsewhere\\npid 1\\ncreated 1\\nexpires 99999999999\\n' > repo/locks/live.lock
            mount --bind repo ro && mount -o remount,ro,bind ro || exit 1
            swdd restore ro x 2> err; echo "live $?|live 5"
            echo "$(grep -c 'locked by a prune on elsewhere (PID 1)' err) 1"
            echo "$(ls x x.partial 2>/dev/null | wc -l) 0"
            """),
        ScriptCase(name: "another source is refused unless --new-chain; several chains need --name", script: """
            back 01
            head -c 8M /dev/urandom > other.raw
            swdd backup other.raw repo --name disk 2> err; echo "other $?|other 1"
            echo "$(grep -c "is not the source of chain 'disk': it holds 8388608 bytes, the chain's images 50331648 (use --new-chain" err) 1"
            SWDD_NOW=2026-11-02T10:00 swdd backup other.raw repo --name disk --new-chain --quiet; echo "new $?|new 0"
            echo "$(swdd repo repo --json | field kind)|full full"
            swdd backup other.raw repo --quiet; echo "default name $?|default name 0"
            swdd restore repo x 2> err; echo "ambiguous $?|ambiguous 2"
            echo "$(grep -c 'holds several chains (disk, other.raw): name one with --name' err) 1"
            swdd restore repo x --name other.raw --quiet && echo "$(sum x) $(sum other.raw)"
            mkdir notrepo && echo data > notrepo/file
            swdd backup src.raw notrepo 2> err; echo "notrepo $?|notrepo 1"
            echo "$(cat err)|swdd: 'notrepo' is a directory that is not empty and not a swdd repository"
            """),
        ScriptCase(name: "two backups in the same second keep their order: latest is the second, its parent the first", script: """
            back 01; change src.raw 2; back 01; change src.raw 2; back 01
            swdd repo repo --json > list
            echo "$(field kind < list)|full incremental incremental"
            ids=$(field id < list); echo "$(field parent < list | cut -d' ' -f2,3)|$(echo $ids | cut -d' ' -f1,2)"
            swdd restore repo out --quiet && echo "$(sum out) $(cat want.01)"
            """),
        ScriptCase(name: "prune keeps what a kept image needs; --dry-run and no keep option remove nothing", script: """
            back 01; for d in 02 03 04 05 06; do change src.raw 1; back $d --full-every 3; done
            echo "$(swdd repo repo --json | field kind)|full incremental incremental full incremental incremental"
            swdd prune repo; echo "no keep $?|no keep 2"
            swdd prune repo --keep-last 1 --dry-run > plan; echo "dry $?|dry 0"
            echo "$(grep -c 'would remove' plan) 3"
            echo "$(swdd repo repo --json | field id | wc -w) 6"
            swdd prune repo --keep-last 1 --quiet; echo "prune $?|prune 0"
            echo "$(swdd repo repo --json | field kind)|full incremental incremental"
            swdd verify repo --quiet; echo "verify $?|verify 0"
            swdd restore repo out --quiet && echo "$(sum out) $(cat want.06)"
            swdd restore repo out4 --at 2026-11-04T11:00 --quiet && echo "$(sum out4) $(cat want.04)"
            # Two differentials on one day: the day keeps its newest; each needs only the full.
            change src.raw 1; back 07 --differential; change src.raw 1; SWDD_NOW=2026-11-07T11:00 swdd backup src.raw repo --name disk --differential --quiet
            swdd prune repo --keep-daily 2 --quiet
            echo "$(swdd repo repo --json | field kind)|full incremental incremental differential"
            echo "$(swdd repo repo --json | field created | cut -d' ' -f4)|$(python3 -c 'import calendar; print(calendar.timegm((2026, 11, 7, 11, 0, 0)))')"
            """),
        ScriptCase(name: "verify REPO names the damaged image and the restore points it takes down; restore refuses them first", script: """
            put() { head -c 1M /dev/urandom | dd of=src.raw bs=1M seek=$1 conv=notrunc status=none; }
            back 01; put 30; put 31; back 02; put 40; put 41; back 03; put 5; back 04 --differential
            ids=$(swdd repo repo --json | field id); inc=$(echo $ids | cut -d' ' -f2); next=$(echo $ids | cut -d' ' -f3)
            # Inside block 30's frame (the frames before it are 45-byte zero frames), which point 03 needs.
            flip repo/images/$inc.img.zst 500000
            swdd verify repo 2> err; echo "verify $?|verify 4"
            echo "$(grep -c "^swdd: image $(echo $inc | cut -c1-12) (incremental, 2026-11-02 10:00:00, chain 'disk') is damaged" err) 1"
            echo "$(grep -c "^swdd: restore point $(echo $next | cut -c1-12) (2026-11-03 10:00:00) cannot be restored: it needs $(echo $inc | cut -c1-12), which is damaged" err) 1"
            echo "$(grep -c '2 of 4 restore points cannot be restored' err) 1"
            head -c 48M /dev/urandom > victim && cp victim keep
            swdd restore repo victim --at 2026-11-03T12:00 --overwrite 2> err; echo "restore $?|restore 4"
            echo "$(grep -c 'failed the check before writing' err) 1"
            echo "$(sum victim) $(sum keep)"
            swdd restore repo d4 --quiet; echo "differential $?|differential 0"
            echo "$(sum d4) $(cat want.04)"
            rm repo/images/$inc.img.zst
            swdd restore repo x --at 2026-11-03T12:00 2> err; echo "missing $?|missing 4"
            swdd verify repo --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(sum(not i['restorable'] for i in d['images']), 2)"
            """),
    ]

    @Test("matches the reference tools", arguments: cases)
    func matchesReferenceTools(_ c: ScriptCase) throws {
        try c.run(prelude: Self.prelude)
    }
}
