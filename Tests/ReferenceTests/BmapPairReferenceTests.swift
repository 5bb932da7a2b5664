// `swdd restore` of bmaptool's own compressed image + bmap pairs (`.gz`, `.xz`, `.bz2`, which
// swdd reads through the system's decompressor) next to `bmaptool copy` of the same pair: the
// two targets must hash alike, and both like the raw image. A damaged or cut image is refused
// with the decompressor named, and an existing target is left as it was.

import Foundation
import Testing

@Suite("swdd restore of bmaptool's compressed pairs", .serialized)
struct BmapPairReferenceTests {
    /// `pair.raw`: 32 MiB, random data at 2 MiB, text at 20 MiB, holes elsewhere; its bmap by
    /// `bmaptool create`; the image compressed with gzip, xz and bzip2, as bmaptool users do.
    static let prelude = #"""
        sum() { sha256sum < "$1" | cut -d' ' -f1; }
        truncate -s 32M pair.raw
        dd if="$REF_POOL" of=pair.raw bs=1M seek=2 count=3 conv=notrunc status=none
        for i in $(seq 1 20000); do printf 'line %d of some text\n' "$i"; done | dd of=pair.raw bs=1M seek=20 conv=notrunc status=none
        bmaptool create -o pair.raw.bmap pair.raw 2>/dev/null || exit 97
        gzip -k pair.raw && xz -k -T1 pair.raw && bzip2 -k pair.raw || exit 97

        """#

    static let cases: [ScriptCase] = [
        ScriptCase(name: ".gz, .xz and .bz2 pairs: swdd restore gives what bmaptool copy gives, to a file and to standard output", script: """
            for c in gz xz bz2; do
                swdd restore pair.raw.$c new.$c --bmap pair.raw.bmap --quiet; echo "$c $?|$c 0"
                truncate -s 32M ref.$c && bmaptool -q copy --bmap pair.raw.bmap pair.raw.$c ref.$c; echo "bmaptool $c $?|bmaptool $c 0"
                echo "$(sum new.$c) $(sum ref.$c)"
                echo "$(sum new.$c) $(sum pair.raw)"
                echo "$(swdd restore pair.raw.$c - --bmap pair.raw.bmap --quiet | sha256sum | cut -d' ' -f1) $(sum pair.raw)"
            done
            # Holes stay holes in a new file: far fewer blocks than the 32 MiB it reads as.
            echo "$(( $(stat -c %b new.gz) * 512 < 12 << 20 )) 1"
            # The bmap found beside the image as bmaptool finds it (pair.raw.xz → pair.raw.bmap).
            swdd restore pair.raw.xz found --quiet; echo "found $?|found 0"
            echo "$(sum found) $(sum pair.raw)"
            swdd restore pair.raw.gz found2 2> err; echo "$(grep -c "^swdd: restored 'pair.raw.gz' (32 MiB) with bmap 'pair.raw.bmap' onto 'found2'" err) 1"
            """),
        ScriptCase(name: "a cut or damaged .gz, or no xz to run, is refused naming the decompressor; an existing target is untouched, a new one not left", script: #"""
            head -c 1000000 /dev/urandom > target && cp target keep
            head -c $(( $(stat -c %s pair.raw.gz) / 2 )) pair.raw.gz > cut.gz
            swdd restore cut.gz target --overwrite --bmap pair.raw.bmap 2> err; echo "cut $?|cut 1"
            echo "$(sum target) $(sum keep)"
            echo "$(cat err)|swdd: 'cut.gz' failed the check before writing; 'target' was not touched: gzip -dc exited with status 1: gzip: stdin: unexpected end of file"
            echo "$(cat err | wc -l) 1"
            swdd restore cut.gz new --bmap pair.raw.bmap 2>/dev/null; echo "cut new $?|cut new 1"
            echo "$(ls new new.partial 2>/dev/null | wc -l) 0"
            # No decompressor to run: its name in the one line.
            env PATH=/nonexistent "$(command -v swdd)" restore pair.raw.xz new --bmap pair.raw.bmap 2> err; echo "no xz $?|no xz 1"
            echo "$(cat err)|swdd: restoring 'pair.raw.xz' failed, nothing was left at 'new': cannot run xz: No such file or directory"
            echo "$(ls new new.partial 2>/dev/null | wc -l) 0"
            # One byte changed inside the deflate stream: gzip stops on it, or the bytes it
            # gives fail a bmap range; either way nothing is written.
            cp pair.raw.gz bad.gz && flip bad.gz 300000
            swdd restore bad.gz target --overwrite --bmap pair.raw.bmap 2> err; status=$?
            echo "$(case $status in 1|4) echo refused;; *) echo "status $status";; esac) refused"
            echo "$(sum target) $(sum keep)"
            echo "$(grep -c -e 'gzip -dc exited with status' -e 'do not match their checksum in the bmap' err) 1"
            """#),
    ]

    @Test("matches bmaptool copy", arguments: cases)
    func matchesBmaptool(_ c: ScriptCase) throws {
        try c.run(prelude: Self.prelude)
    }
}
