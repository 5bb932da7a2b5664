// swdd over ssh:// against an sshd the test starts on 127.0.0.1 (its own host key, user key and
// authorized_keys, a high port): images and backup chains round-trip byte for byte (sha256sum),
// awkward paths stay data, an incremental backup never downloads an image, and a connection
// killed mid-upload leaves the repository as it was, and the next run continues its upload; a
// mirror with a remote side runs swdd there (the built binary, by --remote-swdd) and sends only
// the blocks that differ, both ways, on files and loop devices; without swdd there, onto a
// mounted device there, or with its connection cut, it stops in one line.

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
                "StrictModes no" "UsePAM no" "MaxSessions 50" "MaxStartups 50:30:100" "AcceptEnv TMPDIR" "LogLevel ERROR" > sshd_config
            /usr/sbin/sshd -f "$PWD/sshd_config" -E "$PWD/sshd.log" || continue
            for n in $(seq 50); do [ -s sshd.pid ] && break 2; sleep 0.1; done
        done
        [ -s sshd.pid ] || exit 90
        trap 'kill $(cat sshd.pid) 2>/dev/null' EXIT
        # The ssh command swdd is given: logs each ssh command line, and for the master connection
        # (-M) what swdd writes to it — its standard input is swdd's command channel — and the
        # PID of its ssh; then runs ssh.
        cat > logssh <<EOF
        #!/bin/sh
        printf '%s\n' "\$*" >> $PWD/ssh.log
        options="-i $PWD/user -o StrictHostKeyChecking=no -o UserKnownHostsFile=$PWD/known -o BatchMode=yes -o LogLevel=ERROR"
        case " \$* " in
        *" -M "*)
            # (An asynchronous list's standard input would be /dev/null: the channel goes by fd 3.
            # This shell lets go of its output, so that ssh's end is the connection's end.)
            exec 3<&0
            tee -a $PWD/ssh.log <&3 3<&- | ssh \$options "\$@" 3<&- &
            echo \$! > $PWD/master.pid
            exec 3<&- > /dev/null
            wait \$!;;
        *) exec ssh \$options "\$@";;
        esac
        EOF
        chmod +x logssh
        SSH="$PWD/logssh"
        HOSTPORT=127.0.0.1:$port
        # swdd as the remote machine has it, for mirror: the built binary under a path that needs quoting.
        # (swdd's own lines are checked with grep -x: the remote login shell's start-up may add its
        # own words on the session's standard error, which ssh passes on.)
        mkdir -p "remote bin" && ln -s "$(command -v swdd)" "remote bin/swdd"
        RS="$PWD/remote bin/swdd"
        # The remote shells' scratch directories (swdd's command channel) made since the case began:
        # none may be left, however the run ended.
        scratch() { ls -d /tmp/swdd.* 2>/dev/null | sort; }
        scratch > scratch.before
        left() { for n in $(seq 40); do [ -z "$(scratch | comm -13 scratch.before -)" ] && break; sleep 0.05; done; scratch | comm -13 scratch.before - | wc -l; }
        jf() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
        mib=1048576
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
            # A remote where the command channel cannot make its scratch directory: one line naming it.
            swdd verify "ssh://$HOSTPORT$dir/src.img.zst" --ssh "$SSH -o SetEnv=TMPDIR=/nonexistent" 2> err; echo "no scratch $?|no scratch 1"
            echo "$(grep -c "^swdd: .*cannot make a scratch directory on 127.0.0.1 (mktemp -d in \${TMPDIR:-/tmp} failed)" err) 1"
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
            echo "scratch left $(left)|scratch left 0"
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
            echo "scratch left $(left)|scratch left 0"
            echo "$(grep -c 'failed, the repository is as it was' err) 1"
            swdd repo "$R" --ssh "$SSH" > after; echo "$(sum after) $(sum before)"
            swdd restore "$R" p1 --ssh "$SSH" --quiet && echo "$(sum p1) $(cat want.1)"
            SWDD_NOW=2026-11-03T10:00 swdd backup src.raw "$R" --name disk --ssh "$SSH" --quiet; echo "next $?|next 0"
            echo "$(ls repo/images | grep -c partial) 0"
            swdd restore "$R" p3 --ssh "$SSH" --quiet && echo "$(sum p3) $(sum src.raw)"
            """#),
        ScriptCase(name: "an encrypted upload killed mid-way resumes too: its sidecar is sealed, the image opens with the key", script: #"""
            R="ssh://$HOSTPORT$PWD/repo"
            head -c 9M /dev/urandom | base64 | head -c 12M > src.raw
            head -c 32 /dev/urandom > key
            SWDD_NOW=2026-11-01T10:00 swdd backup src.raw "$R" --name e --level 19 --encrypt key --ssh "$SSH" 2> err & pid=$!
            for n in $(seq 600); do [ "$(cat repo/images/*.partial 2>/dev/null | wc -c)" -ge 2000000 ] && break; sleep 0.05; done
            kill "$(cat master.pid)"; wait $pid; echo "killed $?|killed 1"
            echo "$(ls repo/images | grep -c '\.img\.zst\.p') 2"
            # The sidecar's version: 2, its records sealed with the image's key.
            echo "version $(head -c 10 repo/images/*.progress | tail -c 2 | od -An -tu2 | tr -d ' ')|version 2"
            : > ssh.log
            SWDD_NOW=2026-11-01T11:00 swdd backup src.raw "$R" --name e --level 19 --encrypt key --ssh "$SSH" 2> err; echo "again $?|again 0"
            echo "$(grep -c 'resumed at .* of 12 MiB (.* not sent again)' err) 1"
            echo "$(grep -c 'truncate -s [1-9][0-9]* .*exec cat >> .*\.partial' ssh.log) 1"
            echo "$(ls repo/images | grep -c '\.p') 0"
            swdd restore "$R" back --key key --ssh "$SSH" --quiet && echo "$(sum back) $(sum src.raw)"
            swdd verify "$R" --key key --ssh "$SSH" --quiet; echo "verify $?|verify 0"
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
        ScriptCase(name: "mirror to and from ssh:// files: only the differing blocks cross, an unchanged source sends none", script: #"""
            d="$PWD/r a'b"; mkdir "$d"
            M="ssh://$HOSTPORT$d/dst.raw"
            swdd mirror src.raw "$M" --ssh "$SSH" --remote-swdd "$RS" --json > j; echo "new $?|new 0"
            echo "$(sum "$d/dst.raw") $(sum src.raw)"
            echo "$(jf j written_bytes) $((20 * mib))"
            echo "$(ls "$d")|dst.raw"
            # A scattered change: 4 KiB in each of 5 chunks (one in the trailing hole).
            for c in 1 5 9 14 25; do head -c 4096 /dev/urandom | dd of=src.raw bs=4096 seek=$((c * 256 + 3)) conv=notrunc status=none; done
            swdd mirror src.raw "$M" --ssh "$SSH" --remote-swdd "$RS" --json > j; echo "push $?|push 0"
            echo "$(sum "$d/dst.raw") $(sum src.raw)"
            echo "$(jf j written_bytes) $((5 * mib))"
            echo "$(jf j verified_bytes) $((5 * mib))"
            # Sent: four random chunks (incompressible) and one mostly zeros, no more.
            sent=$(jf j sent_bytes); echo "$([ $sent -gt $((4 * mib)) ] && [ $sent -lt $((4 * mib + 65536)) ] && echo bounded || echo "unbounded $sent")|bounded"
            echo "$([ "$(jf j received_bytes)" -lt 4096 ] && echo small)|small"
            # Unchanged: the request and 'done' only, nothing written.
            swdd mirror src.raw "$M" --ssh "$SSH" --remote-swdd "$RS" --json > j; echo "again $?|again 0"
            rel="${d#/}/dst.raw"
            echo "$(jf j sent_bytes) $((36 + ${#rel}))"
            echo "$(jf j written_bytes) 0"
            # The other way: the remote file is the source.
            swdd mirror "$M" back.raw --ssh "$SSH" --remote-swdd "$RS" 2> err; echo "pull new $?|pull new 0"
            echo "$(sum back.raw) $(sum src.raw)"
            echo "$(grep -c "^swdd: mirrored '$M' onto 'back.raw': 32 MiB compared, 21 MiB written, 21 MiB verified, [0-9.]* [KMG]*i*B sent and 20[.0-9]* MiB received over ssh in " err) 1"
            for c in 2 7 30; do head -c 4096 /dev/urandom | dd of="$d/dst.raw" bs=4096 seek=$((c * 256 + 9)) conv=notrunc status=none; done
            swdd mirror "$M" back.raw --ssh "$SSH" --remote-swdd "$RS" --json > j; echo "pull $?|pull 0"
            echo "$(sum back.raw) $(sum "$d/dst.raw")"
            echo "$(jf j written_bytes) $((3 * mib))"
            received=$(jf j received_bytes); echo "$([ $received -gt $((2 * mib)) ] && [ $received -lt $((2 * mib + 65536)) ] && echo bounded || echo "unbounded $received")|bounded"
            before=$(stat -c %y back.raw)
            swdd mirror "$M" back.raw --ssh "$SSH" --remote-swdd "$RS" --json > j; echo "pull again $?|pull again 0"
            echo "$(jf j written_bytes) 0"
            echo "$([ "$(jf j received_bytes)" -lt 128 ] && echo small)|small"
            echo "$(stat -c %y back.raw)|$before"
            """#),
        ScriptCase(name: "mirror over ssh:// between loop devices, both ways; a mounted remote target is refused unless --force", script: #"""
            truncate -s 24M a.raw b.raw && head -c 16M /dev/urandom | dd of=a.raw conv=notrunc status=none
            a=$(losetup -f --show a.raw) || exit 98
            b=$(losetup -f --show b.raw) || { losetup -d $a; exit 98; }
            trap 'kill $(cat sshd.pid) 2>/dev/null; losetup -d $a $b' EXIT
            swdd mirror $a "ssh://$HOSTPORT$b" --ssh "$SSH" --remote-swdd "$RS" --quiet; echo "push $?|push 0"
            echo "$(cmp $a $b && echo same)|same"
            for c in 3 11 19; do head -c 4096 /dev/urandom | dd of=$a bs=4096 seek=$((c * 256 + 1)) conv=notrunc,fsync status=none; done
            swdd mirror $a "ssh://$HOSTPORT$b" --ssh "$SSH" --remote-swdd "$RS" --json > j; echo "push change $?|push change 0"
            echo "$(cmp $a $b && echo same)|same"
            echo "$(jf j written_bytes) $((3 * mib))"
            sent=$(jf j sent_bytes); echo "$([ $sent -gt $((2 * mib)) ] && [ $sent -lt $((2 * mib + 65536)) ] && echo bounded || echo "unbounded $sent")|bounded"
            swdd mirror $a "ssh://$HOSTPORT$b" --ssh "$SSH" --remote-swdd "$RS" --json > j; echo "$(jf j written_bytes) 0"
            for c in 0 12; do head -c 4096 /dev/urandom | dd of=$a bs=4096 seek=$((c * 256 + 7)) conv=notrunc,fsync status=none; done
            swdd mirror "ssh://$HOSTPORT$a" $b --ssh "$SSH" --remote-swdd "$RS" --json > j; echo "pull $?|pull 0"
            echo "$(cmp $a $b && echo same)|same"
            echo "$(jf j written_bytes) $((2 * mib))"
            swdd mirror "ssh://$HOSTPORT$a" $b --ssh "$SSH" --remote-swdd "$RS" --json > j; echo "$(jf j written_bytes) 0"
            # The remote target mounted (read-only: the kernel writes nothing of its own on it): the
            # peer refuses it in its own line, which comes back as one.
            mkfs.ext4 -q -F $b > /dev/null 2>&1 && mkdir mnt && mount -o ro $b mnt || exit 97
            trap 'umount mnt; kill $(cat sshd.pid) 2>/dev/null; losetup -d $a $b' EXIT
            keep=$(sum b.raw)
            swdd mirror $a "ssh://$HOSTPORT$b" --ssh "$SSH" --remote-swdd "$RS" 2> err; echo "mounted $?|mounted 1"
            echo "$(grep -cxF -- "swdd: on 127.0.0.1: refusing to write to block device '$b': mounted on $PWD/mnt (use --force to override)" err) 1"
            echo "$(sum b.raw) $keep"
            swdd mirror $a "ssh://$HOSTPORT$b" --ssh "$SSH" --remote-swdd "$RS" --force --quiet; echo "forced $?|forced 0"
            echo "$(cmp -n $((24 * mib)) $a $b && echo same)|same"
            """#, needsLoop: true),
        ScriptCase(name: "mirror over ssh:// without swdd there, or with a program that is not swdd: one line, exit 1, nothing written", script: #"""
            cp src.raw there.raw && head -c 1M /dev/urandom > here.raw
            keep_there=$(sum there.raw) keep_here=$(sum here.raw)
            swdd mirror here.raw "ssh://$HOSTPORT$PWD/there.raw" --ssh "$SSH" --remote-swdd "$PWD/no such/swdd" 2> err; echo "push $?|push 1"
            echo "$(grep -cxF -- "swdd: cannot mirror with 'ssh://$HOSTPORT$PWD/there.raw': no swdd at '$PWD/no such/swdd' on 127.0.0.1: a mirror over ssh needs swdd on both machines (as rsync needs rsync on both ends); install swdd $(swdd --version | head -1 | cut -d" " -f2) there, or name its path with --remote-swdd PATH" err) 1"
            swdd mirror "ssh://$HOSTPORT$PWD/there.raw" here.raw --ssh "$SSH" --remote-swdd "$PWD/no such/swdd" 2> err; echo "pull $?|pull 1"
            echo "$(grep -c '^swdd:' err) 1"
            echo "$(grep -c "no swdd at '$PWD/no such/swdd' on 127.0.0.1" err) 1"
            swdd mirror "ssh://$HOSTPORT$PWD/there.raw" new.raw --ssh "$SSH" --remote-swdd /bin/echo 2> err; echo "foreign $?|foreign 1"
            echo "$(grep -cxF -- "swdd: cannot mirror with 'ssh://$HOSTPORT$PWD/there.raw': '/bin/echo' on 127.0.0.1 is not swdd, or one without mirror over ssh (it said: '__mirror-peer'); install swdd $(swdd --version | head -1 | cut -d" " -f2) there, or name its path with --remote-swdd PATH" err) 1"
            echo "$(sum there.raw) $keep_there"
            echo "$(sum here.raw) $keep_here"
            echo "$(ls new.raw new.raw.partial 2>/dev/null | wc -l) 0"
            swdd mirror here.raw other.raw --remote-swdd "$RS" 2> err; echo "local $?|local 2"
            echo "$(sum there.raw) $keep_there"
            """#),
        ScriptCase(name: "a mirror over ssh:// whose connection is killed mid-run: exit 1, one line, never a success", script: #"""
            head -c 160M /dev/urandom > big.raw
            # Waits for $1 to hold 8 MiB, then cuts swdd's own master connection (its PID from the wrapper).
            cut_when_written() {
                for n in $(seq 600); do [ "$(du -k "$1" 2>/dev/null | cut -f1)" -ge 8192 ] 2>/dev/null && break; sleep 0.02; done
                kill "$(cat master.pid)"
            }
            swdd mirror big.raw "ssh://$HOSTPORT$PWD/copy.raw" --ssh "$SSH" --remote-swdd "$RS" 2> err & pid=$!
            cut_when_written copy.raw.partial; wait $pid; echo "push $?|push 1"
            echo "$(grep -c '^swdd:' err) 1"
            echo "$(grep -c "^swdd: mirroring 'big.raw' onto 'ssh://$HOSTPORT$PWD/copy.raw' failed, .*: the connection to 127.0.0.1 ended before the mirror was done" err) 1"
            # The peer saw its input end: it removed its partial file.
            for n in $(seq 100); do [ -e copy.raw.partial ] || break; sleep 0.05; done
            echo "$(ls copy.raw copy.raw.partial 2>/dev/null | wc -l) 0"
            swdd mirror "ssh://$HOSTPORT$PWD/big.raw" back.raw --ssh "$SSH" --remote-swdd "$RS" 2> err & pid=$!
            cut_when_written back.raw.partial; wait $pid; echo "pull $?|pull 1"
            echo "$(grep -cxF -- "swdd: mirroring 'ssh://$HOSTPORT$PWD/big.raw' onto 'back.raw' failed, nothing was left at 'back.raw': the connection to 127.0.0.1 ended before the mirror was done" err) 1"
            echo "$(ls back.raw back.raw.partial 2>/dev/null | wc -l) 0"
            """#),
        ScriptCase(name: "an unreachable host or a bad location is one line and exit 1 or 2", script: #"""
            swdd backup src.raw "ssh://127.0.0.1:1/tmp/x" --ssh "$SSH" 2> err; echo "unreachable $?|unreachable 1"
            echo "$(grep -c "^swdd: cannot reach 'ssh://127.0.0.1:1/tmp/x'" err) 1"
            swdd restore "ssh://-oProxyCommand=x/tmp/y" out 2> err; echo "option host $?|option host 2"
            echo "$(grep -c 'names an empty or invalid host' err) 1"
            swdd restore "ssh://$HOSTPORT" out --ssh "$SSH" 2> err; echo "no path $?|no path 2"
            swdd backup src.raw "ssh://$HOSTPORT$PWD/r" --ssh "ssh 'unclosed" 2> err; echo "bad ssh $?|bad ssh 2"
            # Both sides of a mirror on other machines: one line, usage.
            swdd mirror "ssh://$HOSTPORT/a" "ssh://$HOSTPORT/b" --ssh "$SSH" 2> err; echo "mirror both $?|mirror both 2"
            echo "$(grep -c "both are on other machines" err) 1"
            """#),
    ]

    @Test("round-trips through sshd on 127.0.0.1", arguments: cases)
    func throughSsh(_ c: ScriptCase) throws {
        try c.run(prelude: Self.prelude, skipStatus: 90, skipReason: "sshd cannot start here (scripts/setup installs openssh-server)")
    }
}
