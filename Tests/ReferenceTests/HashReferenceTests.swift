// dd mode's hash= and hashlog= (swdd's extension, dcfldd's operand names; GNU dd rejects them):
// the digest swdd prints after the summary must equal what sha256sum / md5sum / sha1sum /
// sha512sum compute from the output itself — on files (where the kernel copy would otherwise
// run), pipes both ways, conversions (translation runs as a parallel stage, swab and unblock
// feed the writer's digests), holes with conv=sparse, and a loop device.

import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("swdd hash=: digests equal sha*sum of the output", .serialized)
struct HashReferenceTests {
    /// `got ALG FILE`: the digest swdd wrote for ALG (SHA256, MD5, …) in FILE (its stderr or log).
    static let prelude = #"""
        got() { sed -n "s/^$1 (.*) = //p" "$2"; }
        sum() { "$1" | cut -d' ' -f1; }
        head -c 5000000 "$REF_POOL" > in
        for i in $(seq 1 3000); do printf 'line %d of the text\n' "$i"; done > text

        """#

    static let cases: [ScriptCase] = [
        ScriptCase(name: "file to file, bs=1M (the kernel copy path without hash=)", script: """
            swdd if=in of=out bs=1M hash=sha256 2> err
            echo "$(got SHA256 err) $(sha256sum < out | cut -d' ' -f1)"
            """),
        ScriptCase(name: "default bs, four algorithms in the order named, and the log", script: """
            swdd if=in of=out hash=md5,sha512 hash=sha1,sha256,md5 hashlog=log 2> err
            for a in MD5:md5sum SHA512:sha512sum SHA1:sha1sum SHA256:sha256sum; do
                echo "$(got ${a%%:*} err) $(${a#*:} < out | cut -d' ' -f1)"
                echo "$(got ${a%%:*} log) $(${a#*:} < out | cut -d' ' -f1)"
            done
            echo "$(sed -n 's/^\\([A-Z0-9]*\\) (.*/\\1/p' err | tr '\\n' ,) MD5,SHA512,SHA1,SHA256,"
            """),
        ScriptCase(name: "file to pipe (the splice path without hash=)", script: """
            swdd if=in bs=64K hash=sha256 2> err | sha256sum | cut -d' ' -f1 > piped
            echo "$(got SHA256 err) $(cat piped)"
            """),
        ScriptCase(name: "pipe to file, short reads", script: """
            cat in | swdd of=out bs=4096 hash=sha1 2> err
            echo "$(got SHA1 err) $(sha1sum < out | cut -d' ' -f1)"
            """),
        ScriptCase(name: "conv=ucase: the translated bytes are hashed", script: """
            swdd if=text of=out conv=ucase hash=sha256 2> err
            echo "$(got SHA256 err) $(sha256sum < out | cut -d' ' -f1)"
            echo "$(sha256sum < text | cut -d' ' -f1 | grep -c "$(got SHA256 err)") 0"
            """),
        ScriptCase(name: "conv=swab and conv=unblock: the converter's output is hashed", script: """
            swdd if=in of=out conv=swab hash=md5 2> err
            echo "$(got MD5 err) $(md5sum < out | cut -d' ' -f1)"
            swdd if=text of=out2 cbs=7 conv=unblock hash=sha256 2> err2
            echo "$(got SHA256 err2) $(sha256sum < out2 | cut -d' ' -f1)"
            """),
        ScriptCase(name: "conv=sparse over holes: seeked-over zeros are data", script: """
            head -c 100000 in > sparse && truncate -s 9M sparse && head -c 7 in >> sparse
            swdd if=sparse of=out bs=64K conv=sparse hash=sha256 2> err
            echo "$(got SHA256 err) $(sha256sum < out | cut -d' ' -f1)"
            """),
        ScriptCase(name: "status=none prints no digest, hashlog still written", script: """
            swdd if=in of=out status=none hash=sha256 hashlog=log 2> err
            echo "$(wc -c < err | tr -d ' ') 0"
            echo "$(got SHA256 log) $(sha256sum < out | cut -d' ' -f1)"
            """),
        ScriptCase(name: "summary first, then the digest line", script: """
            swdd if=in of=out bs=1M hash=md5 2> err
            echo "$(sed -n 1p err | grep -c 'records in') 1"
            echo "$(sed -n 4p err | grep -c '^MD5 (out) = ') 1"
            """),
        ScriptCase(name: "errors: unknown algorithm, unwritable hash log", script: """
            swdd if=in of=out hash=sha3 2> err; echo "$? 1"
            echo "$(head -1 err)|swdd: invalid hash algorithm: 'sha3'"
            swdd if=in of=out hash=md5 hashlog=/proc/no/log 2> err; echo "$? 1"
            echo "$(grep -c "^swdd: failed to write hash log '/proc/no/log': No such file or directory$" err) 1"
            """),
        ScriptCase(name: "loop device in and out, direct I/O", script: """
            truncate -s 8M disk && loop=$(losetup -f --show disk) || exit 98
            swdd if=in of="$loop" bs=1M oflag=direct hash=sha256 2> err; echo "$? 0"
            echo "$(got SHA256 err) $(head -c 5000000 "$loop" | sha256sum | cut -d' ' -f1)"
            swdd if="$loop" of=/dev/null bs=4M iflag=direct hash=sha512 2> err2
            echo "$(got SHA512 err2) $(sha512sum < "$loop" | cut -d' ' -f1)"
            losetup -d "$loop"
            """, needsLoop: true),
    ]

    @Test("the printed digest equals the reference tool's", arguments: cases)
    func digestEqualsReference(_ c: ScriptCase) throws {
        try c.run(prelude: Self.prelude)
    }
}
