// swdd over ssh:// against an sshd the test starts on 127.0.0.1 (its own host key, user key and
// authorized_keys, a high port): images and backup chains round-trip byte for byte (sha256sum),
// awkward paths stay data, an incremental backup never downloads an image, and a connection
// killed mid-upload leaves the repository as it was, and the next run continues its upload; a
// mirror with a remote side is refused in one line.

import Foundation
import Testing

@Suite("swdd over ssh", .serialized)
struct SshReferenceTests {
    /// Starts sshd (skips the script with exit 90 when it cannot), defines `$SSH` (the --ssh
    /// command, which logs every remote command to ssh.log) and `$HOSTPORT`.
    static let prelude = #"""
        sum() { sha256sum < "$1" | cut -d' ' -f1; }
        field() { python3 -c "import json,sys; print(' '.join(str(i['$1']) for i in json.load(sys.stdin)['images']))"; }
        command -v sshd > /dev/null || [ -x /usr/sbin/sshd ] || exit 90
        mkdir -p /run/sshd
        ssh-keygen -q -t ed25519 -N '' -f host && ssh-keygen -q -t ed25519 -N '' -f user || exit 90
        cp user.pub authorized_keys && chmod 600 authorized_keys
        for try in 1 2 3 4 5; do
            port=$(shuf -i 20000-60000 -n 1)
            printf '%s\n' "Port $port" "ListenAddress 127.0.0.1" "HostKey $PWD/host" "AuthorizedKeysFile $PWD/authorized_keys" \
                "PidFile $PWD/sshd.pid" "PasswordAuthentication no" "KbdInteractiveAuthentication no" "PermitRootLogin prohibit-password" \
                "StrictModes no" "UsePAM no" "MaxSessions 50" "MaxStartups 50:30:100" "LogLevel ERROR" > sshd_config
            /usr/sbin/sshd -f "$PWD/sshd_config" -E "$PWD/sshd.log" || continue
            for n in $(seq 50); do [ -s sshd.pid ] && break 2; sleep 0.1; done
        done
        [ -s sshd.pid ] || exit 90
        trap 'kill $(cat sshd.pid) 2>/dev/null' EXIT
        # The ssh command swdd is given: logs each remote command (and the master's PID), then runs ssh.
        printf '#!/bin/sh\nprintf "%%s\\n" "$*" >> %s/ssh.log\ncase " $* " in *" -M "*) echo $$ > %s/master.pid;; esac\nexec ssh -i %s/user -o StrictHostKeyChecking=no -o UserKnownHostsFile=%s/known -o BatchMode=yes -o LogLevel=ERROR "$@"\n' "$PWD" "$PWD" "$PWD" "$PWD" > logssh
        chmod +x logssh
        SSH="$PWD/logssh"
        HOSTPORT=127.0.0.1:$port
        head -c 20M /dev/urandom > src.raw && truncate -s 32M src.raw

        """#

    static let cases: [ScriptCase] = [
        ScriptCase(name: "image to ssh:// and restore from it: same bytes, awkward path names stay data, no partial left", script: #"""
            dir="$PWD/remote/a b'c \$(touch pwned); d"
            mkdir -p "$dir" || exit 1
            swdd image src.raw "ssh://$HOSTPORT$dir/src.img.zst" --ssh "$SSH" --quiet; echo "image $?|image 0"
            echo "$(zstd -dc "$dir/src.img.zst" | sha256sum | cut -d' ' -f1) $(sum src.raw)"
            echo "$(ls "$dir" | wc -l) 1"
            echo "$(ls pwned "$dir/pwned" 2>/dev/null | wc -l) 0"
            swdd restore "ssh://$HOSTPORT$dir/src.img.zst" back.raw --ssh "$SSH" --quiet; echo "restore $?|restore 0"
            echo "$(sum back.raw) $(sum src.raw)"
            swdd image src.raw "ssh://$HOSTPORT$dir/src.img.zst" --ssh "$SSH" 2> err; echo "again $?|again 1"
            echo "$(grep -c 'exists (use --overwrite to replace it)' err) 1"
            swdd verify "ssh://$HOSTPORT$dir/src.img.zst" --ssh "$SSH" 2> err; echo "verify image $?|verify image 1"
            echo "$(grep -c 'is not a swdd repository' err) 1"
            # The home form: /~/path.
            home=$(getent passwd "$(id -un)" | cut -d: -f6)
            swdd image src.raw "ssh://$HOSTPORT/~/swdd-ssh-test-$$.img.zst" --ssh "$SSH" --quiet; echo "home $?|home 0"
            echo "$(zstd -dc "$home/swdd-ssh-test-$$.img.zst" | sha256sum | cut -d' ' -f1) $(sum src.raw)"
            rm -f "$home/swdd-ssh-test-$$.img.zst"
            """#),
        ScriptCase(name: "a backup chain in a remote repository: restore every point, verify, prune; the incremental reads only metadata", script: #"""
            R="ssh://$HOSTPORT$PWD/remote repo"
            SWDD_NOW=2026-11-01T10:00 swdd backup src.raw "$R" --name disk --ssh "$SSH" --quiet || exit 1
            sum src.raw > want.1
            head -c 2M /dev/urandom | dd of=src.raw bs=1M seek=9 conv=notrunc status=none
            : > ssh.log
            SWDD_NOW=2026-11-02T10:00 swdd backup src.raw "$R" --name disk --ssh "$SSH" --json > j || exit 1
            sum src.raw > want.2
            # Only the parent's size, tail (seek table and metadata) and head were read: no stream of an image.
            echo "$(grep -c 'dd if=.*bs=1M iflag=skip_bytes skip=' ssh.log) 0"
            echo "$(grep -c 'tail -c' ssh.log) 1"
            echo "$(python3 -c "import json; d=json.load(open('j')); print(d['kind'], d['changed_blocks'])")|incremental 2"
            swdd repo "$R" --ssh "$SSH" --json > list || exit 1
            echo "$(field kind < list)|full incremental"
            swdd restore "$R" p1 --at 2026-11-01T12:00 --ssh "$SSH" --quiet && echo "$(sum p1) $(cat want.1)"
            swdd restore "$R" p2 --ssh "$SSH" --quiet && echo "$(sum p2) $(cat want.2)"
            swdd verify "$R" --ssh "$SSH" --quiet; echo "verify $?|verify 0"
            swdd prune "$R" --keep-last 1 --ssh "$SSH" --quiet; echo "prune $?|prune 0"
            echo "$(swdd repo "$R" --ssh "$SSH" --json | field kind)|full incremental"
            echo "$(ls "$PWD/remote repo/locks" | wc -l) 0"
            # The same repository read locally: one model, two transports.
            swdd restore "$PWD/remote repo" p3 --quiet && echo "$(sum p3) $(cat want.2)"
            """#),
        ScriptCase(name: "a connection killed mid-upload: the repository lists and restores as before; the next backup cleans up", script: #"""
            R="ssh://$HOSTPORT$PWD/repo"
            SWDD_NOW=2026-11-01T10:00 swdd backup src.raw "$R" --name disk --ssh "$SSH" --quiet || exit 1
            sum src.raw > want.1
            swdd repo "$R" --ssh "$SSH" > before
            # Text this time: zstd -19 takes seconds over it, time enough to cut the connection.
            head -c 16M /dev/urandom | base64 | head -c 20M | dd of=src.raw bs=1M conv=notrunc status=none
            SWDD_NOW=2026-11-02T10:00 swdd backup src.raw "$R" --name disk --level 19 --ssh "$SSH" 2> err & pid=$!
            for n in $(seq 200); do ls repo/images/*.partial > /dev/null 2>&1 && break; sleep 0.05; done
            # The connection itself: swdd's master ssh (multiplexed sessions hand their pipes to it),
            # whose PID the wrapper noted (the wrapper execs it).
            sleep 0.3; kill "$(cat master.pid)"; wait $pid; echo "killed $?|killed 1"
            echo "$(grep -c 'failed, the repository is as it was' err) 1"
            swdd repo "$R" --ssh "$SSH" > after; echo "$(sum after) $(sum before)"
            swdd restore "$R" p1 --ssh "$SSH" --quiet && echo "$(sum p1) $(cat want.1)"
            SWDD_NOW=2026-11-03T10:00 swdd backup src.raw "$R" --name disk --ssh "$SSH" --quiet; echo "next $?|next 0"
            echo "$(ls repo/images | grep -c partial) 0"
            swdd restore "$R" p3 --ssh "$SSH" --quiet && echo "$(sum p3) $(sum src.raw)"
            """#),
        ScriptCase(name: "an upload killed mid-way resumes from its last whole frame; a changed source or --no-resume starts over", script: #"""
            R="ssh://$HOSTPORT$PWD/repo"
            # Text: zstd -19 takes seconds over it, time enough to cut the connection mid-upload.
            head -c 9M /dev/urandom | base64 | head -c 12M > src.raw
            # Starts a backup of chain $1, cuts its connection once 2 MB of the image arrived.
            interrupt() {
                SWDD_NOW=2026-11-01T10:00 swdd backup src.raw "$R" --name "$1" --level 19 --ssh "$SSH" 2> err & pid=$!
                for n in $(seq 600); do [ "$(cat repo/images/*.partial 2>/dev/null | wc -c)" -ge 2000000 ] && break; sleep 0.05; done
                kill "$(cat master.pid)"; wait $pid; echo "killed $1 $?|killed $1 1"
                echo "$(ls repo/images | grep -c '\.img\.zst\.p') 2"
            }
            again() { : > ssh.log; SWDD_NOW=2026-11-01T11:00 swdd backup src.raw "$R" --name "$@" --level 19 --ssh "$SSH" 2> err; echo "again $1 $?|again $1 0"; }
            interrupt a
            again a
            echo "$(grep -c 'resumed at .* of 12 MiB (.* not sent again)' err) 1"
            # The partial was cut to its last whole frame and appended to, never sent again from its start.
            echo "$(grep -c 'truncate -s [1-9][0-9]* .*exec cat >> .*\.partial' ssh.log) 1"
            echo "$(grep -c 'exec cat > .*\.partial' ssh.log) 0"
            echo "$(ls repo/images | grep -c '\.p') 0"
            echo "$(zstd -dcq repo/images/*.img.zst | sha256sum | cut -d' ' -f1) $(sum src.raw)"
            swdd restore "$R" back.a --name a --ssh "$SSH" --quiet && echo "$(sum back.a) $(sum src.raw)"
            swdd verify "$R" --ssh "$SSH" --quiet; echo "verify $?|verify 0"
            # A block already sent changes between the runs: the image is made again, of the new source.
            interrupt b
            printf 'changed' | dd of=src.raw bs=1 seek=1000 conv=notrunc status=none
            again b
            echo "$(grep -c 'not continuing the interrupted upload .*: the source changed at byte 0 since' err) 1"
            echo "$(grep -c 'resumed at' err) 0"
            swdd restore "$R" back.b --name b --ssh "$SSH" --quiet && echo "$(sum back.b) $(sum src.raw)"
            interrupt c
            again c --no-resume
            echo "$(grep -c 'not continuing the interrupted upload .*: --no-resume' err) 1"
            echo "$(grep -c 'resumed at' err) 0"
            swdd restore "$R" back.c --name c --ssh "$SSH" --quiet && echo "$(sum back.c) $(sum src.raw)"
            swdd verify "$R" --ssh "$SSH" --quiet; echo "verify all $?|verify all 0"
            echo "$(ls repo/images | grep -c '\.p') 0"
            """#),
        ScriptCase(name: "an unreachable host or a bad location is one line and exit 1 or 2", script: #"""
            swdd backup src.raw "ssh://127.0.0.1:1/tmp/x" --ssh "$SSH" 2> err; echo "unreachable $?|unreachable 1"
            echo "$(grep -c "^swdd: cannot reach 'ssh://127.0.0.1:1/tmp/x'" err) 1"
            swdd restore "ssh://-oProxyCommand=x/tmp/y" out 2> err; echo "option host $?|option host 2"
            echo "$(grep -c 'names an empty or invalid host' err) 1"
            swdd restore "ssh://$HOSTPORT" out --ssh "$SSH" 2> err; echo "no path $?|no path 2"
            swdd backup src.raw "ssh://$HOSTPORT$PWD/r" --ssh "ssh 'unclosed" 2> err; echo "bad ssh $?|bad ssh 2"
            # A mirror needs swdd on the remote to hash its blocks: refused in one line, nothing written either side.
            : > ssh.log
            swdd mirror src.raw "ssh://$HOSTPORT/dev/sdz" 2> err; echo "mirror to $?|mirror to 1"
            echo "$(grep -c "^swdd: cannot mirror 'ssh://$HOSTPORT/dev/sdz': a mirror to or from another machine needs swdd running there" err) 1"
            echo "$(wc -l < err) 1"
            swdd mirror "ssh://$HOSTPORT$PWD/src.raw" out.raw 2> err; echo "mirror from $?|mirror from 1"
            echo "$(grep -c 'needs swdd running there to hash its blocks (as rsync needs rsync on both ends)' err) 1"
            echo "$(ls out.raw out.raw.partial 2>/dev/null | wc -l) 0"
            echo "$(wc -c < ssh.log) 0"
            """#),
    ]

    @Test("round-trips through sshd on 127.0.0.1", arguments: cases)
    func throughSsh(_ c: ScriptCase) throws {
        try c.run(prelude: Self.prelude, skipStatus: 90, skipReason: "sshd cannot start here (scripts/setup installs openssh-server)")
    }
}
