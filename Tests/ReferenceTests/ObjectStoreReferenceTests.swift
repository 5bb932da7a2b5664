// swdd with object storage (s3://, rclone:) against a real S3 API server the test starts on
// 127.0.0.1 (moto's server, a versioned bucket), through the system rclone: images and backup
// chains round-trip byte for byte (sha256sum, and zstd -d of the object itself), an incremental
// reads only ranges of its parent (the server's request log: no whole-object GET), a backup
// killed mid-upload leaves nothing listed and the next run continues it, two backups at once
// are one too many; and the same repository model on rclone's local backend.

import Foundation
import Testing

@Suite("swdd with object storage", .serialized)
struct ObjectStoreReferenceTests {
    /// Starts moto's S3 server (skips the script with exit 90 when it or rclone cannot run),
    /// creates bucket swdd-test with versioning, and defines `$E` (the --s3-endpoint option).
    static let prelude = #"""
        sum() { sha256sum < "$1" | cut -d' ' -f1; }
        field() { python3 -c "import json,sys; print(' '.join(str(i['$1']) for i in json.load(sys.stdin)['images']))"; }
        command -v rclone > /dev/null && python3 -c 'import moto.server, boto3' 2> /dev/null || exit 90
        export AWS_ACCESS_KEY_ID=swdd AWS_SECRET_ACCESS_KEY=swdd AWS_REGION=us-east-1
        for try in 1 2 3 4 5; do
            port=$(shuf -i 20000-60000 -n 1)
            python3 -m moto.server -H 127.0.0.1 -p "$port" >> s3.log 2>&1 & server=$!
            for n in $(seq 100); do
                python3 - "$port" > /dev/null 2>&1 <<'PY' && break 2
        import boto3, sys
        s3 = boto3.client('s3', endpoint_url='http://127.0.0.1:%s' % sys.argv[1], region_name='us-east-1')
        s3.create_bucket(Bucket='swdd-test')
        # rclone 1.60's multipart uploads need a versioned bucket on this server.
        s3.put_bucket_versioning(Bucket='swdd-test', VersioningConfiguration={'Status': 'Enabled'})
        PY
                kill -0 $server 2> /dev/null || break
                sleep 0.1
            done
            kill $server 2> /dev/null; wait $server 2> /dev/null; server=
        done
        [ -n "$server" ] || exit 90
        trap 'kill $server 2>/dev/null' EXIT
        E=--s3-endpoint=http://127.0.0.1:$port
        # Lists the bucket's objects under a prefix, "key size" per line (an rclone remote of the
        # test's own, not swdd's).
        export RCLONE_CONFIG_REF_TYPE=s3 RCLONE_CONFIG_REF_PROVIDER=Other RCLONE_CONFIG_REF_ENV_AUTH=true \
            RCLONE_CONFIG_REF_ENDPOINT=http://127.0.0.1:$port
        objects() { rclone -q lsf -R --files-only --format ps --separator ' ' "ref:swdd-test/$1" 2> /dev/null | sed "s|^|$1|"; }
        # The server's request log, without its colours.
        requests() { sed 's/\x1b\[[0-9;]*m//g' s3.log; }
        head -c 20M /dev/urandom > src.raw && truncate -s 32M src.raw

        """#

    static let cases: [ScriptCase] = [
        ScriptCase(name: "image to s3:// and restore from it: the object is the image (zstd -d), nothing partial left", script: #"""
            swdd image src.raw s3://swdd-test/one/src.img.zst $E --quiet; echo "image $?|image 0"
            echo "$(objects one/ | cut -d' ' -f1)|one/src.img.zst"
            python3 - "$port" <<'PY' > object.zst
            import boto3, sys
            s3 = boto3.client('s3', endpoint_url='http://127.0.0.1:%s' % sys.argv[1], region_name='us-east-1')
            sys.stdout.buffer.write(s3.get_object(Bucket='swdd-test', Key='one/src.img.zst')['Body'].read())
            PY
            echo "$(zstd -dc object.zst | sha256sum | cut -d' ' -f1) $(sum src.raw)"
            swdd restore s3://swdd-test/one/src.img.zst back.raw $E --quiet; echo "restore $?|restore 0"
            echo "$(sum back.raw) $(sum src.raw)"
            swdd verify s3://swdd-test/one/src.img.zst $E --quiet; echo "verify $?|verify 0"
            if [ -e /dev/fuse ]; then
                mkdir mp && swdd mount s3://swdd-test/one/src.img.zst mp $E --quiet; echo "mount $?|mount 0"
                echo "$(sum mp/disk) $(sum src.raw)"
                swdd umount mp; echo "umount $?|umount 0"
            else
                echo "SKIP the mount of the object: no /dev/fuse here"
            fi
            swdd image src.raw s3://swdd-test/one/src.img.zst $E 2> err; echo "again $?|again 1"
            echo "$(grep -c "^swdd: .*'s3://swdd-test/one/src.img.zst' exists (use --overwrite to replace it)" err) 1"
            swdd restore s3://swdd-test/one/none.img.zst x.raw $E 2> err; echo "missing $?|missing 1"
            echo "$(grep -c "no such object" err) 1"
            echo "$(ls x.raw x.raw.partial 2>/dev/null | wc -l) 0"
            """#),
        ScriptCase(name: "a backup chain in an s3:// repository: every point restored, verify, repo, prune; the incremental reads only ranges", script: #"""
            R=s3://swdd-test/repo
            SWDD_NOW=2026-11-01T10:00 swdd backup src.raw $R --name disk $E --quiet || exit 1
            sum src.raw > want.1
            head -c 2M /dev/urandom | dd of=src.raw bs=1M seek=9 conv=notrunc status=none
            : > s3.log
            SWDD_NOW=2026-11-02T10:00 swdd backup src.raw $R --name disk $E --json > j || exit 1
            sum src.raw > want.2
            # Of the parent's segments only ranges were read (206), never a whole object (200).
            echo "$(requests | grep -c 'GET /swdd-test/repo/images/.*segments/[0-9]* HTTP/1.1" 200') 0"
            ranged=$(requests | grep -c 'GET /swdd-test/repo/images/.*segments/[0-9]* HTTP/1.1" 206')
            echo "$([ "$ranged" -ge 1 ] && [ "$ranged" -le 3 ] && echo few || echo "$ranged") few"
            echo "$(python3 -c "import json; d=json.load(open('j')); print(d['kind'], d['changed_blocks'])")|incremental 2"
            swdd repo $R $E --json > list || exit 1
            echo "$(field kind < list)|full incremental"
            swdd restore $R p1 --at 2026-11-01T12:00 $E --quiet && echo "$(sum p1) $(cat want.1)"
            swdd restore $R p2 $E --quiet && echo "$(sum p2) $(cat want.2)"
            swdd verify $R $E --quiet; echo "verify $?|verify 0"
            # Mounted straight from the bucket (FUSE): the disk file is that point's bytes.
            if [ -e /dev/fuse ]; then
                mkdir mp && swdd mount $R mp $E; echo "mount $?|mount 0"
                echo "$(sum mp/disk) $(cat want.2)"
                swdd umount mp; echo "umount $?|umount 0"
            else
                echo "SKIP the mount of the repository point: no /dev/fuse here"
            fi
            # The segments, in name order, are the image file.
            id=$(python3 -c "import json; print(json.load(open('j'))['id'])")
            for key in $(objects "repo/images/$id.img.zst.segments/" | cut -d' ' -f1 | sort); do
                python3 -c "import boto3,sys; sys.stdout.buffer.write(boto3.client('s3', endpoint_url='http://127.0.0.1:$port', region_name='us-east-1').get_object(Bucket='swdd-test', Key='$key')['Body'].read())"
            done > inc.zst
            echo "$(zstd -dc inc.zst | wc -c) $(stat -c %s src.raw)"
            SWDD_NOW=2026-11-03T10:00 swdd prune $R --keep-last 1 $E --quiet; echo "prune $?|prune 0"
            echo "$(swdd repo $R $E --json | field kind)|full incremental"
            echo "$(objects repo/locks/ | wc -l) 0"
            head -c 1M /dev/urandom | dd of=src.raw bs=1M seek=20 conv=notrunc status=none
            SWDD_NOW=2026-11-04T10:00 swdd backup src.raw $R --name disk --full $E --quiet || exit 1
            SWDD_NOW=2026-11-05T10:00 swdd prune $R --keep-last 1 $E --quiet; echo "prune full $?|prune full 0"
            echo "$(swdd repo $R $E --json | field kind)|full"
            echo "$(objects repo/images/ | cut -d/ -f3 | cut -d. -f1 | sort -u | wc -l) 1"
            swdd restore $R p3 $E --quiet && echo "$(sum p3) $(sum src.raw)"
            """#),
        ScriptCase(name: "a backup killed mid-upload: nothing listed, restores as before; the next run continues at its last segment", script: #"""
            R=s3://swdd-test/repo
            export SWDD_SEGMENT_BYTES=1000000
            # The segments an unfinished upload (one with a progress record) has sent whole.
            inflight() {
                p=$(objects repo/images/ | cut -d' ' -f1 | grep '/progress$' | head -1)
                if [ -n "$p" ]; then objects "${p%progress}" | grep -c '/[0-9]* '; else echo 0; fi
            }
            SWDD_NOW=2026-11-01T10:00 swdd backup src.raw $R --name disk $E --quiet || exit 1
            sum src.raw > want.1
            swdd repo $R $E > before
            # Text: zstd -19 takes seconds over it, time enough to kill the run mid-upload.
            head -c 9M /dev/urandom | base64 | head -c 12M | dd of=src.raw conv=notrunc status=none
            SWDD_NOW=2026-11-02T10:00 swdd backup src.raw $R --name disk --level 19 $E 2> err & pid=$!
            for n in $(seq 300); do [ "$(inflight)" -ge 3 ] && break; sleep 0.05; done
            kill -9 $pid; wait $pid; echo "killed $?|killed 137"
            swdd repo $R $E > after; echo "$(sum after) $(sum before)"
            swdd restore $R p1 $E --quiet && echo "$(sum p1) $(cat want.1)"
            SWDD_NOW=2026-11-02T11:00 swdd backup src.raw $R --name disk --level 19 $E 2> err; echo "again $?|again 0"
            echo "$(grep -c 'resumed at .* of 32 MiB (.* not sent again)' err) 1"
            swdd restore $R p2 $E --quiet && echo "$(sum p2) $(sum src.raw)"
            swdd verify $R $E --quiet; echo "verify $?|verify 0"
            echo "$(objects repo/images/ | grep -c progress) 0"
            # Killed again, then the source changes: the upload is not continued, the image made anew.
            head -c 9M /dev/urandom | base64 | head -c 12M | dd of=src.raw conv=notrunc status=none
            SWDD_NOW=2026-11-03T10:00 swdd backup src.raw $R --name disk --level 19 $E 2> err & pid=$!
            for n in $(seq 300); do [ "$(inflight)" -ge 3 ] && break; sleep 0.05; done
            kill -9 $pid; wait $pid
            printf 'changed' | dd of=src.raw bs=1 seek=1000 conv=notrunc status=none
            SWDD_NOW=2026-11-03T11:00 swdd backup src.raw $R --name disk --level 19 $E 2> err; echo "changed $?|changed 0"
            echo "$(grep -c 'not continuing the interrupted upload .*: the source changed at byte 0 since' err) 1"
            swdd restore $R p3 $E --quiet && echo "$(sum p3) $(sum src.raw)"
            echo "$(swdd repo $R $E --json | field kind)|full incremental incremental"
            """#),
        ScriptCase(name: "an encrypted backup killed mid-upload continues at its last segment; its progress record is sealed", script: #"""
            R=s3://swdd-test/enc
            export SWDD_SEGMENT_BYTES=1000000
            head -c 32 /dev/urandom > key
            progress() { objects enc/images/ | cut -d' ' -f1 | grep '/progress$' | head -1; }
            inflight() { p=$(progress); if [ -n "$p" ]; then objects "${p%progress}" | grep -c '/[0-9]* '; else echo 0; fi; }
            head -c 9M /dev/urandom | base64 | head -c 12M | dd of=src.raw conv=notrunc status=none
            SWDD_NOW=2026-11-01T10:00 swdd backup src.raw $R --name disk --level 19 --encrypt key $E 2> err & pid=$!
            for n in $(seq 300); do [ "$(inflight)" -ge 3 ] && break; sleep 0.05; done
            kill -9 $pid; wait $pid; echo "killed $?|killed 137"
            # The record's version: 2, its frames' records sealed with the image's key.
            echo "version $(rclone -q cat "ref:swdd-test/$(progress)" | head -c 10 | tail -c 2 | od -An -tu2 | tr -d ' ')|version 2"
            SWDD_NOW=2026-11-01T11:00 swdd backup src.raw $R --name disk --level 19 --encrypt key $E 2> err; echo "again $?|again 0"
            echo "$(grep -c 'resumed at .* of 32 MiB (.* not sent again)' err) 1"
            echo "$(objects enc/images/ | grep -c progress) 0"
            swdd restore $R back --key key $E --quiet && echo "$(sum back) $(sum src.raw)"
            swdd verify $R --key key $E --quiet; echo "verify $?|verify 0"
            """#),
        ScriptCase(name: "two backups at once into one s3:// repository: the second is refused with exit 5 naming the holder", script: #"""
            R=s3://swdd-test/repo
            head -c 9M /dev/urandom | base64 | head -c 12M | dd of=src.raw conv=notrunc status=none
            swdd backup src.raw $R --name disk --level 19 $E --quiet & pid=$!
            for n in $(seq 600); do [ "$(objects repo/locks/ | wc -l)" -ge 1 ] && break; sleep 0.05; done
            swdd backup src.raw $R --name disk $E 2> err; echo "second $?|second 5"
            echo "$(grep -c "^swdd: repository 's3://swdd-test/repo' is locked by .*(PID $pid)" err) 1"
            wait $pid; echo "first $?|first 0"
            swdd restore $R back $E --quiet && echo "$(sum back) $(sum src.raw)"
            echo "$(objects repo/locks/ | wc -l) 0"
            """#),
        ScriptCase(name: "cold tiers: --storage-class, prune --archive-after (never a parent a warm image needs), restore says thaw first, repo thaw", script: #"""
            R=s3://swdd-test/cold
            class() { python3 -c "import json,sys; print(' '.join(i.get('storage_class', '?') for i in json.load(sys.stdin)['images']))"; }
            SWDD_NOW=2026-10-01T10:00 swdd backup src.raw $R --name disk --storage-class STANDARD_IA $E --quiet || exit 1
            sum src.raw > want.1
            head -c 1M /dev/urandom | dd of=src.raw bs=1M seek=2 conv=notrunc status=none
            SWDD_NOW=2026-10-02T10:00 swdd backup src.raw $R --name disk $E --quiet || exit 1
            sum src.raw > want.2
            SWDD_NOW=2026-11-20T10:00 swdd backup src.raw $R --name disk --full $E --quiet || exit 1
            head -c 1M /dev/urandom | dd of=src.raw bs=1M seek=4 conv=notrunc status=none
            SWDD_NOW=2026-11-21T10:00 swdd backup src.raw $R --name disk --incremental $E --quiet || exit 1
            # The class each object is in, as the server itself reports it (rclone's listing of tiers).
            echo "$(rclone -q lsf -R --files-only --format T ref:swdd-test/cold/images/ | sort | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')|STANDARD:3 STANDARD_IA:1 "
            swdd repo $R $E --json | class > classes; echo "$(cat classes)|STANDARD_IA STANDARD STANDARD STANDARD"
            # The old full and its incremental go cold; at 10 days the new full is old but stays: its (newer) incremental needs it.
            SWDD_NOW=2026-12-01T10:00 swdd prune $R --keep-last 10 --archive-after 30d $E > plan; echo "prune $?|prune 0"
            echo "$(grep -c '^  archive ' plan) 2"
            echo "$(swdd repo $R $E --json | class)|GLACIER (archived) GLACIER (archived) STANDARD STANDARD"
            SWDD_NOW=2026-12-01T10:00 swdd prune $R --keep-last 10 --archive-after 10d $E > plan; echo "warm $?|warm 0"
            echo "$(grep -c '^  archive ' plan) 0"
            echo "$(grep -c '^  keep warm .*a newer image in its class needs it' plan) 1"
            swdd restore $R p1 --at 2026-10-02T12:00 $E 2> err; echo "archived $?|archived 1"
            echo "$(grep -c "^swdd: cannot restore incremental image .*: archived images .* must be thawed first: run 'swdd repo thaw $R --at " err) 1"
            echo "$(ls p1 p1.partial 2>/dev/null | wc -l) 0"
            swdd verify $R $E 2> err; echo "verify $?|verify 0"
            echo "$(grep -c 'not checked: it needs archived image' err) 2"
            swdd repo thaw $R --at 2026-10-02T12:00 $E > thaw; echo "thaw $?|thaw 0"
            echo "$(grep -c 'thaw requested for 7 days' thaw) 2"
            # moto's server makes a thawed copy readable at once; S3 takes minutes to hours.
            echo "$(swdd repo $R $E --json | class)|GLACIER (thawed) GLACIER (thawed) STANDARD STANDARD"
            swdd restore $R p1 --at 2026-10-02T12:00 $E --quiet && echo "$(sum p1) $(cat want.2)"
            swdd verify $R $E --quiet; echo "verify all $?|verify all 0"
            swdd backup src.raw "$PWD/local" --storage-class GLACIER 2> err; echo "local class $?|local class 2"
            swdd backup src.raw "$PWD/local" --quiet || exit 1
            swdd prune "$PWD/local" --keep-last 1 --archive-after 1d 2> err; echo "local archive $?|local archive 2"
            echo "$(grep -c 'moves images between storage classes of object storage' err) 1"
            """#),
        ScriptCase(name: "an encrypted chain in s3://: restored with its key; no key, another key, a flipped byte in a segment refused", script: #"""
            R=s3://swdd-test/secret
            head -c 64 /dev/urandom > key && head -c 64 /dev/urandom > other
            # A marker the bucket must never hold in the clear.
            yes 'SWDD-PLAINTEXT-MARKER' | head -c 1M | dd of=src.raw bs=1M seek=25 conv=notrunc status=none
            SWDD_NOW=2026-11-01T10:00 swdd backup src.raw $R --name disk --encrypt key $E --quiet || exit 1
            sum src.raw > want.1
            head -c 1M /dev/urandom | dd of=src.raw bs=1M seek=3 conv=notrunc status=none
            SWDD_NOW=2026-11-02T10:00 swdd backup src.raw $R --name disk --encrypt key $E --quiet; echo "incremental $?|incremental 0"
            swdd restore $R p1 --at 2026-11-01T12:00 --key key $E --quiet && echo "$(sum p1) $(cat want.1)"
            swdd restore $R p2 --key key $E --quiet && echo "$(sum p2) $(sum src.raw)"
            swdd verify $R --key key $E --quiet; echo "verify $?|verify 0"
            for key in $(objects secret/images/ | cut -d' ' -f1); do rclone -q cat "ref:swdd-test/$key"; done > all.bin
            echo "$(grep -c SWDD-PLAINTEXT-MARKER all.bin) 0"
            swdd restore $R p3 $E 2> err; echo "no key $?|no key 1"
            echo "$(grep -c 'encrypted with key id .*: give its key file with --key KEYFILE' err) 1"
            swdd restore $R p3 --key other $E 2> err; echo "other key $?|other key 1"
            echo "$(grep -c 'not with the key file given' err) 1"
            echo "$(ls p3 p3.partial 2>/dev/null | wc -l) 0"
            # One byte flipped inside the full image's segment (the largest object), past its header.
            seg=$(objects secret/images/ | sort -k2 -n -r | head -1 | cut -d' ' -f1)
            rclone -q cat "ref:swdd-test/$seg" > seg && flip seg 200000
            rclone -q rcat "ref:swdd-test/$seg" < seg
            swdd verify $R --key key $E 2> err; echo "flipped $?|flipped 4"
            swdd restore $R p4 --at 2026-11-01T12:00 --key key $E 2> err; echo "restore flipped $?|restore flipped 4"
            echo "$(ls p4 p4.partial 2>/dev/null | wc -l) 0"
            """#),
        ScriptCase(name: "rclone: locations: a chain on rclone's local backend; bad locations are one line and exit 2", script: #"""
            R="rclone::local:$PWD/lrepo"
            SWDD_NOW=2026-11-01T10:00 swdd backup src.raw "$R" --name disk --quiet || exit 1
            sum src.raw > want.1
            head -c 1M /dev/urandom | dd of=src.raw bs=1M seek=3 conv=notrunc status=none
            SWDD_NOW=2026-11-02T10:00 swdd backup src.raw "$R" --name disk --quiet || exit 1
            echo "$(ls lrepo/images | grep -c '\.img\.zst\.segments$') 2"
            swdd restore "$R" p1 --at 2026-11-01T12:00 --quiet && echo "$(sum p1) $(cat want.1)"
            swdd restore "$R" p2 --quiet && echo "$(sum p2) $(sum src.raw)"
            swdd verify "$R" --quiet; echo "verify $?|verify 0"
            swdd image src.raw "rclone::local:$PWD/out/src.img.zst" --quiet; echo "image $?|image 0"
            echo "$(zstd -dc out/src.img.zst | sha256sum | cut -d' ' -f1) $(sum src.raw)"
            echo "$(ls out | wc -l) 1"
            swdd backup src.raw s3://No_Such/x $E 2> err; echo "bucket name $?|bucket name 2"
            echo "$(grep -c "names no valid bucket" err) 1"
            swdd backup src.raw rclone:nocolon 2> err; echo "no remote $?|no remote 2"
            swdd backup src.raw s3://swdd-missing/x $E 2> err; echo "missing bucket $?|missing bucket 1"
            echo "$(wc -l < err) 1"
            # Without rclone on PATH: one line saying what to install.
            PATH="$(dirname "$(command -v swdd)")" swdd repo s3://swdd-test/x $E 2> err; echo "no rclone $?|no rclone 1"
            echo "$(grep -c 'rclone is not installed (the Debian package rclone' err) 1"
            """#),
    ]

    @Test("round-trips through an S3 server on 127.0.0.1", arguments: cases)
    func throughObjectStorage(_ c: ScriptCase) throws {
        try c.run(prelude: Self.prelude, skipStatus: 90, skipReason: "rclone or moto's S3 server cannot run here (scripts/setup installs them)")
    }
}
