// `--encrypt KEYFILE` and `--key KEYFILE`, judged by sha256sum of the source, by zstd itself
// (which must refuse an encrypted image, not print something wrong), by grep for a plaintext
// marker in the image bytes, and by an independent reader: Python's `cryptography` (HKDF-SHA256,
// AES-256-GCM) and pyzstd opening every frame and the metadata exactly as docs/FORMAT.md's
// "Encryption" section says — key id, per-image key, nonces, associated data.

import Foundation
import Testing

@Suite("swdd --encrypt and --key", .serialized)
struct EncryptionReferenceTests {
    /// `src.raw`: 2 MiB random, 1 MiB of a repeated marker, a 2 MiB hole, 1 MiB random; `key` and
    /// `other` two key files; `sum FILE`; `open.py IMAGE KEY` writes the source an encrypted
    /// image holds (decrypted and decompressed by Python), `open.py IMAGE KEY --key-id` its key id
    /// as derived from the key file (checked against the header).
    static let prelude = #"""
        sum() { sha256sum < "$1" | cut -d' ' -f1; }
        head -c 2M /dev/urandom > src.raw
        yes 'SWDD-PLAINTEXT-MARKER-0123456789' | head -c 1M >> src.raw
        truncate -s 5M src.raw && head -c 1M /dev/urandom >> src.raw
        head -c 32 /dev/urandom > key && head -c 64 /dev/urandom > other
        cat > open.py <<'EOF'
        import hashlib, struct, sys
        import pyzstd
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF
        image, secret = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
        def derive(info):
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=b'swdd image encryption 1', info=info).derive(secret)
        key_id = hashlib.sha256(derive(b'key id')).digest()[:8]
        count = struct.unpack('<I', image[-9:-5])[0]
        table = image[-(9 + 8 * count):-9]
        entries = [struct.unpack('<II', table[8 * i:8 * i + 8]) for i in range(count)]
        header = image[8:8 + struct.unpack('<I', image[4:8])[0]]
        assert header[:8] == b'SWDDIMG\0' and struct.unpack('<H', header[8:10])[0] == 2 and header[65] == 1
        assert header[66:74] == key_id, 'the header names another key id'
        if sys.argv[3:] == ['--key-id']:
            print(key_id.hex()); sys.exit(0)
        image_id = header[32:48]
        aead = AESGCM(derive(b'image key' + image_id))
        at, offset, out = entries[0][0], 0, bytearray()
        for index, (stored, length) in enumerate(entries[1:-1]):
            frame = image[at:at + stored]
            assert frame[:4] == b'SWDE' and struct.unpack('<II', frame[4:12]) == (stored - 8, length)
            associated = b'SWDDFRAM' + image_id + struct.pack('<QQI', index, offset, length)
            out += pyzstd.decompress(aead.decrypt(frame[12:24], frame[24:], associated))
            at, offset = at + stored, offset + length
        metadata = image[at + 8:at + entries[-1][0]]
        body = aead.decrypt(metadata[:12], metadata[12:], b'SWDDMETA' + image_id)
        assert body[:8] == b'SWDDMETA' and hashlib.sha256(body[:-32]).digest() == body[-32:]
        sys.stdout.buffer.write(out)
        EOF

        """#

    static let cases: [ScriptCase] = [
        ScriptCase(name: "an encrypted image restores byte for byte, opens as FORMAT.md says, and gives zstd and grep nothing", script: #"""
            swdd image src.raw e.img.zst --encrypt key --quiet; echo "image $?|image 0"
            swdd restore e.img.zst out --key key --quiet; echo "restore $?|restore 0"
            echo "$(sum out) $(sum src.raw)"
            echo "$(python3 open.py e.img.zst key | sha256sum | cut -d' ' -f1) $(sum src.raw)"
            # The key id swdd list shows is the header's, which is the one derived from the key file.
            shown=$(swdd list e.img.zst --key key | sed -n 's/^Encryption: aes-256-gcm, key id //p')
            echo "$shown $(python3 open.py e.img.zst key --key-id)"
            # zstd stops at the first sealed frame with an error instead of writing a wrong disk.
            zstd -d e.img.zst -o z.raw 2> /dev/null; echo "zstd -d $?|zstd -d 1"
            zstd -dc e.img.zst 2> /dev/null | wc -c | { read n; echo "zstd -dc bytes $n|zstd -dc bytes 0"; }
            # The marker is in a plain image's bytes (stored or compressed), never in an encrypted one's.
            swdd image src.raw plain.img.zst --store --quiet && swdd image src.raw stored.img.zst --store --encrypt key --quiet
            found() { grep -q SWDD-PLAINTEXT-MARKER "$1" && echo found || echo absent; }
            echo "plain $(found plain.img.zst)|plain found"
            echo "encrypted $(found e.img.zst)|encrypted absent"
            echo "encrypted stored $(found stored.img.zst)|encrypted stored absent"
            swdd restore stored.img.zst out2 --key key --quiet && echo "$(sum out2) $(sum src.raw)"
            # From a pipe, the same checks frame by frame.
            swdd restore - piped --key key --quiet < e.img.zst; echo "pipe $?|pipe 0"
            echo "$(sum piped) $(sum src.raw)"
            swdd verify e.img.zst --key key --quiet; echo "verify $?|verify 0"
            """#, requires: ("python3 -c 'import pyzstd, cryptography'", "pyzstd or cryptography is not installed (scripts/setup installs them)")),
        ScriptCase(name: "without the key, with another key, with a short key file: one line, and nothing written", script: #"""
            swdd image src.raw e.img.zst --encrypt key --quiet || exit 1
            id=$(python3 open.py e.img.zst key --key-id)
            for cmd in "restore e.img.zst out" "verify e.img.zst" "list e.img.zst"; do
                swdd $cmd > /dev/null 2> err; echo "$cmd $?|$cmd 1"
                echo "$(wc -l < err) $(grep -c "encrypted with key id $id: give its key file with --key KEYFILE" err)|1 1"
            done
            swdd restore - out --quiet < e.img.zst 2> err; echo "pipe $?|pipe 1"
            echo "$(grep -c "encrypted with key id $id: give its key file with --key KEYFILE" err) 1"
            echo "new file $([ -e out ] || [ -e out.partial ] && echo left || echo none)|new file none"
            # Another key: refused before the target is touched.
            head -c 6M /dev/urandom > target && cp target keep
            swdd restore e.img.zst target --key other --overwrite 2> err; echo "other key $?|other key 1"
            echo "$(wc -l < err) $(grep -c "encrypted with key id $id, not with the key file given" err)|1 1"
            echo "$(sum target) $(sum keep)"
            head -c 31 /dev/urandom > short
            swdd image src.raw s.img.zst --encrypt short 2> err; echo "short $?|short 2"
            echo "$(grep -c "key file 'short' (--encrypt): it holds 31 bytes; a key file needs at least 32" err) 1"
            swdd restore e.img.zst out --key missing 2> err; echo "missing $?|missing 2"
            swdd image src.raw b.img.zst --encrypt key --bmap 2> err; echo "bmap $?|bmap 2"
            echo "$(cat err)|swdd: --encrypt and --bmap do not go together: bmaptool cannot read an encrypted image"
            echo "made $(ls s.img.zst* b.img* 2> /dev/null | wc -l)|made 0"
            """#, requires: ("python3 -c 'import pyzstd, cryptography'", "pyzstd or cryptography is not installed (scripts/setup installs them)")),
        ScriptCase(name: "a flipped byte in an encrypted frame: verify exits 4 naming the frame, restore refuses before writing", script: #"""
            swdd image src.raw e.img.zst --encrypt key --quiet || exit 1
            # Byte 1500000 of the image lies inside frame 1, of random data (frames 0 and 1 are ~1 MiB each).
            cp e.img.zst t.img.zst
            flip t.img.zst 1500000
            swdd verify t.img.zst --key key 2> err; echo "verify $?|verify 4"
            echo "$(grep -c "^swdd: 't.img.zst': damaged at byte [0-9]*: frame 1: it does not authenticate with the key" err) 1"
            head -c 6M /dev/urandom > target && cp target keep
            swdd restore t.img.zst target --key key --overwrite 2> err; echo "restore $?|restore 4"
            echo "$(grep -c "failed the check before writing; 'target' was not touched" err) 1"
            echo "$(sum target) $(sum keep)"
            # A frame moved to another position (swapped with its neighbour of the same size) does not open there.
            python3 - <<'EOF'
            import struct
            image = bytearray(open('e.img.zst', 'rb').read())
            count = struct.unpack('<I', image[-9:-5])[0]
            table = image[-(9 + 8 * count):-9]
            sizes = [struct.unpack('<I', table[8 * i:8 * i + 4])[0] for i in range(count)]
            # Frames 3 and 4 are the hole's zero frames: the same size, different places.
            a = sum(sizes[:4]); b = a + sizes[4]
            assert sizes[4] == sizes[5]
            image[a:b], image[b:b + sizes[5]] = image[b:b + sizes[5]], image[a:b]
            open('swapped.img.zst', 'wb').write(image)
            EOF
            swdd verify swapped.img.zst --key key 2> err; echo "swapped $?|swapped 4"
            # Both moved frames fail; which one a worker reports first depends on the workers.
            echo "$(grep -c 'frame [34]: it does not authenticate with the key' err) 1"
            """#, requires: ("python3 -c 'import pyzstd, cryptography'", "pyzstd or cryptography is not installed (scripts/setup installs them)")),
        ScriptCase(name: "an encrypted chain in a repository: every point restores; its key is needed, and never mixed", script: #"""
            back() { swdd backup src.raw repo --name disk --quiet "$@"; }
            back --encrypt key; echo "full $?|full 0"; sum src.raw > want.1
            printf 'changed' | dd of=src.raw bs=1 seek=100000 conv=notrunc status=none
            back --encrypt key; echo "incremental $?|incremental 0"; sum src.raw > want.2
            swdd repo repo --key key --json > list.json; echo "repo $?|repo 0"
            kinds=$(python3 -c "import json; print(' '.join(i['kind'] for i in json.load(open('list.json'))['images']))")
            echo "$kinds|full incremental"
            ids=$(python3 -c "import json; print(' '.join(i['id'] for i in json.load(open('list.json'))['images']))")
            # repo names each image's cipher and key id: the id Python derives from the key file.
            keyid=$(python3 open.py repo/images/$(echo $ids | cut -d' ' -f1).img.zst key --key-id)
            echo "$(python3 -c "import json; print(' '.join(i['encryption']['cipher'] + '/' + i['encryption']['key_id'] for i in json.load(open('list.json'))['images']))")|aes-256-gcm/$keyid aes-256-gcm/$keyid"
            echo "$(swdd repo repo --key key | grep -c "^Chain 'disk': .*, encrypted (aes-256-gcm, key id $keyid)$")|1"
            n=1; for id in $ids; do
                swdd restore repo out.$n --at $(echo $id | cut -c1-12) --key key --quiet; echo "restore $n $?|restore $n 0"
                echo "$(sum out.$n) $(cat want.$n)"; n=$((n + 1))
            done
            swdd verify repo --key key --quiet; echo "verify $?|verify 0"
            # The incremental, on its own, holds only the changed block: the rest comes from its parent.
            inc=$(echo $ids | cut -d' ' -f2)
            echo "$(python3 open.py repo/images/$inc.img.zst key | sha256sum | cut -d' ' -f1 | grep -c $(cat want.2))|0"
            for cmd in "repo repo" "verify repo" "restore repo x"; do
                swdd $cmd > /dev/null 2> err; echo "$cmd $?|$cmd 1"
                echo "$(wc -l < err) $(grep -c 'give its key file with --key KEYFILE' err)|1 1"
            done
            printf 'again' | dd of=src.raw bs=1 seek=3000000 conv=notrunc status=none
            back 2> err; echo "no key $?|no key 1"
            echo "$(grep -c "^swdd: chain 'disk' is encrypted with key id [0-9a-f]*: give its key file with --encrypt KEYFILE" err) 1"
            back --encrypt other 2> err; echo "other key $?|other key 1"
            echo "$(grep -c "^swdd: chain 'disk' is encrypted with key id [0-9a-f]*, not with the key file given" err) 1"
            # A plain chain takes no encrypted incremental.
            swdd backup src.raw repo --name plain --quiet || exit 1
            swdd backup src.raw repo --name plain --encrypt key 2> err; echo "onto plain $?|onto plain 1"
            echo "$(grep -c "^swdd: chain 'plain' is not encrypted" err) 1"
            # (Sorted: images made in the same second may list in either order across chains.)
            echo "$(swdd repo repo --key key --json | python3 -c "import json,sys; print(' '.join(sorted(i['chain'] + ':' + str(i['encryption'] and i['encryption']['cipher']) for i in json.load(sys.stdin)['images'])))")|disk:aes-256-gcm disk:aes-256-gcm plain:None"
            echo "images $(ls repo/images | wc -l)|images 3"
            """#, requires: ("python3 -c 'import pyzstd, cryptography'", "pyzstd or cryptography is not installed (scripts/setup installs them)")),
        ScriptCase(name: "an encrypted image mounted with its key reads as the source", script: #"""
            swdd image src.raw e.img.zst --encrypt key --quiet || exit 1
            mkdir mp
            swdd mount e.img.zst mp 2> err; echo "no key $?|no key 1"
            swdd mount e.img.zst mp --key key 2> err; echo "mount $?|mount 0"
            for n in $(seq 100); do [ -e mp/disk ] && break; sleep 0.1; done
            echo "$(sum mp/disk) $(sum src.raw)"
            swdd umount mp; echo "umount $?|umount 0"
            """#, requires: ("[ -e /dev/fuse ] && command -v fusermount3", "no FUSE here (/dev/fuse, fusermount3)")),
    ]

    @Test("matches the reference tools", arguments: cases)
    func matchesReferenceTools(_ c: ScriptCase) throws {
        try c.run(prelude: Self.prelude)
    }
}
