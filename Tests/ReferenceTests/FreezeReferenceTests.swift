// `swdd image --freeze` on a mounted ext4 loop device: the image of a file system under a
// concurrent writer fscks clean (e2fsck -fn on what `zstd -d` gives back), writers block while it
// is read, `kill -9` of swdd thaws it within a second, and what cannot be frozen safely is refused
// with nothing frozen. Each script prints pairs "<what happened>|<what must happen>", as
// `ScriptCase` does; the cleanup (thaw, kill what the script started, unmount, detach) runs
// whether the script finished or not.

import Foundation
import Testing

@Suite(.serialized) struct FreezeReferenceTests {
    struct FreezeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var script: String
        var testDescription: String { name }
    }

    /// A 64 MiB ext4 on a loop device, mounted on `m`; `$L` is the device, `$M` the mount point
    /// as the mount table spells it. Background processes go into `pids`, for the cleanup.
    static let setup = #"""
        truncate -s 64M disk && mkfs.ext4 -q -F disk && mkdir m || exit 97
        L=$(losetup -f --show disk) || exit 98
        mount "$L" m || exit 96
        M=$(realpath m)
        # Waits (up to 10 s) for swdd's test hook to say the file system is frozen.
        frozen() { for n in $(seq 100); do grep -q 'frozen, reading in' "$1" && return 0; sleep 0.1; done; return 1; }
        # Milliseconds since the epoch.
        now() { echo $(( $(date +%s%N) / 1000000 )); }

        """#

    static let cleanup = #"""
        [ -e pids ] && kill -9 $(cat pids) 2>/dev/null
        fsfreeze -u m 2>/dev/null
        umount m 2>/dev/null
        losetup -n -O NAME -j "$PWD/disk" | xargs -r -n1 losetup -d
        true
        """#

    static let cases: [FreezeCase] = [
        FreezeCase(name: "under a concurrent writer: writes wait while the device is read, the image fscks clean", script: #"""
            # Files written and fsynced in a loop; each one done is a line in `progress` (not on m).
            ( i=0; while :; do dd if=/dev/urandom of=m/f$((i % 40)) bs=64k count=8 conv=fsync status=none; i=$((i + 1)); echo $i >> progress; done ) &
            echo $! >> pids
            sleep 1
            SWDD_TEST_PAUSE_AFTER_FREEZE=2 swdd image "$L" i.zst --freeze 2> err &
            S=$!; echo $S >> pids
            frozen err; echo "frozen $?|frozen 0"
            sleep 0.2; a=$(wc -l < progress); sleep 1; b=$(wc -l < progress)
            echo "files written while frozen $((b - a))|files written while frozen 0"
            echo "$([ "$a" -gt 0 ] && echo wrote before)|wrote before"
            wait $S; echo "image $?|image 0"
            sleep 0.5; c=$(wc -l < progress)
            echo "$([ "$c" -gt "$b" ] && echo writes resumed)|writes resumed"
            kill $(head -1 pids); wait 2>/dev/null
            zstd -q -dc i.zst > back.raw || echo "zstd -d failed|"
            e2fsck -fn back.raw > fsck.out 2>&1; echo "e2fsck $?|e2fsck 0"
            # The image of a mounted ext4 read without a freeze keeps needs_recovery (a journal not
            # yet checkpointed), which e2fsck -n reports and skips; a frozen one has none.
            echo "$(grep -c 'skipping journal recovery' fsck.out) 0"
            echo "$(grep -c "test pause: '$M' frozen" err) 1"
            """#),
        FreezeCase(name: "kill -9 of swdd during the freeze: writable again within a second; a hangup of its process group too", script: #"""
            SWDD_TEST_PAUSE_AFTER_FREEZE=30 swdd image "$L" i.zst --freeze 2> err &
            S=$!; echo $S >> pids
            frozen err; echo "frozen $?|frozen 0"
            ( touch m/during && echo done > touched ) &
            sleep 0.5; echo "$([ -e touched ] && echo written || echo waiting)|waiting"
            kill -9 $S; start=$(now)
            for n in $(seq 200); do [ -e touched ] && break; sleep 0.01; done
            took=$(( $(now) - start ))
            echo "$([ -e touched ] && [ $took -lt 1000 ] && echo thawed within 1 s || echo "still frozen after $took ms")|thawed within 1 s"
            sleep 0.2; echo "helpers left $(pgrep -fc "__freeze-helper $M ")|helpers left 0"
            timeout 2 touch m/after; echo "touch $?|touch 0"
            # A terminal's hangup reaches every process of the group: swdd cleans up and dies,
            # the helper ignores it and thaws when swdd's pipe closes.
            SWDD_TEST_PAUSE_AFTER_FREEZE=30 setsid swdd image "$L" j.zst --freeze 2> err2 &
            echo $! >> pids
            frozen err2; echo "frozen $?|frozen 0"
            S=$(pgrep -f "swdd image $L j.zst" | head -1); echo $S >> pids
            G=$(ps -o pgid= -p $S | tr -d ' ')
            echo "$([ "$G" = "$S" ] && echo own group)|own group"
            kill -HUP -$G; start=$(now)  # dash: no -- before a negative pid
            timeout 2 touch m/after-hangup; status=$?; took=$(( $(now) - start ))
            echo "touch $status $([ $took -lt 1000 ] && echo within 1 s)|touch 0 within 1 s"
            sleep 0.2; echo "$(kill -0 $S 2>/dev/null && echo swdd alive || echo swdd gone)|swdd gone"
            echo "$(ls j.zst j.zst.partial 2>/dev/null | wc -l) 0"
            sleep 0.2; echo "helpers left $(pgrep -fc "__freeze-helper $M ")|helpers left 0"
            """#),
        FreezeCase(name: "refused with nothing frozen: DEST on the filesystem, standard output there, standard input as SOURCE", script: #"""
            swdd image "$L" m/i.zst --freeze 2> err; echo "refused $?|refused 1"
            echo "$(cat err)|swdd: refusing to freeze '$M' (mounted from '$L'): 'm/i.zst' would be written on that filesystem while it is frozen; write it elsewhere"
            echo "$(ls m | grep -c zst) 0"
            timeout 2 touch m/x; echo "writable $?|writable 0"
            # The backing file of the loop device holds the same file system.
            mkdir m/sub && swdd image disk m/sub/i.zst --freeze 2> err; echo "file refused $?|file refused 1"
            echo "$(grep -c "refusing to freeze '$M' (mounted from '$L'): 'm/sub/i.zst'" err) 1"
            swdd image "$L" - --freeze > m/out.zst 2> err; echo "stdout refused $?|stdout refused 1"
            echo "$(grep -c "standard output would be written on that filesystem" err) 1"
            timeout 2 touch m/y; echo "writable $?|writable 0"
            swdd image - i.zst --freeze < disk 2> err; echo "stdin $?|stdin 2"
            echo "$(cat err)|swdd: --freeze needs a device or file whose filesystem it can freeze: standard input cannot be"
            swdd image "$L" i.zst --freeze --freeze-timeout 0 2> /dev/null; echo "timeout 0: $?|timeout 0: 2"
            echo "$(ls i.zst* 2>/dev/null | wc -l) 0"
            """#),
        FreezeCase(name: "the timeout thaws and fails the image; without CAP_SYS_ADMIN FIFREEZE is refused; unmounted: a warning", script: #"""
            SWDD_TEST_PAUSE_AFTER_FREEZE=2 swdd image "$L" i.zst --freeze --freeze-timeout 1 2> err; echo "expired $?|expired 1"
            echo "$(tail -1 err)|swdd: imaging '$L' failed: the freeze of '$M' ended after 1 s (--freeze-timeout) before the source was read to its end: the image would be inconsistent"
            echo "$(ls i.zst i.zst.partial 2>/dev/null | wc -l) 0"
            timeout 2 touch m/x; echo "writable $?|writable 0"
            capsh --drop=cap_sys_admin -- -c "swdd image $L c.zst --freeze" 2> err; echo "no CAP_SYS_ADMIN $?|no CAP_SYS_ADMIN 1"
            echo "$(cat err)|swdd: imaging '$L' failed: cannot freeze '$M': Operation not permitted (--freeze needs root)"
            echo "$(ls c.zst c.zst.partial 2>/dev/null | wc -l) 0"
            umount m
            swdd image "$L" u.zst --freeze 2> err; echo "unmounted $?|unmounted 0"
            echo "$(head -1 err)|swdd: warning: '$L' holds no mounted filesystem: nothing to freeze, reading it as it is"
            """#),
        FreezeCase(name: "without --freeze: a read-write mount warns (device or backing file), a read-only one does not", script: #"""
            swdd image "$L" i.zst 2> err; echo "image $?|image 0"
            echo "$(head -1 err)|swdd: warning: '$L' holds a filesystem mounted read-write on '$M': the image may be inconsistent (use --freeze)"
            swdd image disk j.zst 2> err; echo "$(grep -c "warning: 'disk' holds a filesystem mounted read-write on '$M'" err) 1"
            swdd image "$L" q.zst --quiet 2> err; echo "$(grep -c 'use --freeze' err) 1"
            mount -o remount,ro m || exit 95
            swdd image "$L" r.zst 2> err; echo "read-only $?|read-only 0"
            echo "$(grep -c warning err) 0"
            swdd image "$L" f.zst --freeze 2> err; echo "read-only frozen $?|read-only frozen 0"
            zstd -q -dc f.zst > back.raw && e2fsck -fn back.raw > /dev/null 2>&1; echo "e2fsck $?|e2fsck 0"
            """#),
        FreezeCase(name: "backup --freeze: a full and an incremental of a filesystem being written fsck clean; a repository on it is refused", script: #"""
            ( i=0; while :; do dd if=/dev/urandom of=m/f$((i % 40)) bs=64k count=8 conv=fsync status=none; i=$((i + 1)); done ) &
            echo $! >> pids
            sleep 0.5
            swdd backup "$L" repo --name fs --freeze --quiet; echo "full $?|full 0"
            sleep 0.5
            swdd backup "$L" repo --name fs --freeze --quiet; echo "incremental $?|incremental 0"
            kill $(head -1 pids); wait 2>/dev/null
            for at in $(swdd repo repo --json | python3 -c "import json,sys; print(' '.join(i['id'][:12] for i in json.load(sys.stdin)['images']))"); do
                swdd restore repo back.$at --at $at --quiet && e2fsck -fn back.$at > fsck.out 2>&1; echo "e2fsck $?|e2fsck 0"
                echo "$(grep -c 'skipping journal recovery' fsck.out) 0"
            done
            swdd backup "$L" m/repo --freeze 2> err; echo "inside $?|inside 1"
            echo "$(grep -c "refusing to freeze '$M'" err) 1"
            swdd backup "$L" repo --name fs 2> err; echo "$(grep -c 'use --freeze' err) 1"
            timeout 2 touch m/after; echo "touch $?|touch 0"
            """#),
    ]

    @Test("freezes as fsfreeze does, and refuses what it cannot freeze safely", arguments: cases)
    func freezes(_ c: FreezeCase) throws {
        try BenchCommandTests.skipUnderGNU()
        try BenchCommandTests.skipWithoutLoop()
        for tool in ["mkfs.ext4", "e2fsck", "fsfreeze", "capsh", "setsid", "zstd"] where DDReference.shell("command -v \(tool)", in: "/").status != 0 {
            print("SKIP \(c.name): \(tool) is not installed")
            try Test.cancel(Comment(rawValue: "\(tool) is not installed"))
        }
        let (dir, bin) = try TargetSafetyReferenceTests.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        defer { _ = DDReference.shell(Self.cleanup, in: dir) }
        let result = DDReference.shell(Self.setup + c.script + "\n" + Self.cleanup, in: dir, path: bin, timeout: 120)
        ScriptCase.expectPairs(result, name: c.name)
    }
}
