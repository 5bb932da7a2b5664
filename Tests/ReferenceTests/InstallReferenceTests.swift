// scripts/install as a user runs it, into a temporary prefix: the binary, the manual page (which
// `man -l` must render, with the subcommands and the dd operands in it), the completion scripts
// (which bash must load), the optional `dd` symlink (GNU dd's help and messages), and
// `--uninstall`, which must leave nothing behind.

import Foundation
import Testing

@Suite("scripts/install, the manual page and the completions")
struct InstallReferenceTests {
    static let script = DDReference.packageRoot + "/scripts/install"

    @Test("install into a prefix, use it, uninstall leaving nothing")
    func installAndUninstall() throws {
        try BenchCommandTests.skipUnderGNU()
        let dir = DDReference.scratchRoot + "/install-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = DDReference.shell(#"""
            set -e
            mkdir links
            '\#(Self.script)' --binary '\#(DDReference.binaryUnderTest)' --with-dd-symlink links prefix > install.log
            cd prefix && find . | sort > ../installed.txt && cd ..
            echo "Usage: swdd SUBCOMMAND [ARGUMENT]...|$(PATH="$PWD/prefix/bin:$PATH" swdd --help | head -n 1)"
            # The manual renders without groff warnings and holds the subcommands and dd's operands.
            MANWIDTH=80 man --warnings -l prefix/share/man/man1/swdd.1 > man.txt 2> man.err
            echo "no warnings|$( [ -s man.err ] && cat man.err || echo no warnings)"
            for word in 'swdd bench' 'swdd list' 'swdd image' 'DD MODE' 'if=FILE' 'conv=CONVS' 'fullblock' 'compress=zstd' '--write'; do
                echo "$word|$(grep -F -m1 -o -- "$word" man.txt || echo "missing from the manual")"
            done
            # The bash completion loads in bash and defines the completion; zsh's and fish's
            # parse, where those shells are installed.
            echo "complete -o filenames -F _swdd swdd|$(bash -c 'source prefix/share/bash-completion/completions/swdd && complete -p swdd' 2>&1)"
            if command -v zsh > /dev/null; then echo "zsh ok|$(zsh -n prefix/share/zsh/site-functions/_swdd 2>&1 && echo zsh ok)"
            else echo "SKIP the zsh completion's syntax check: zsh is not installed"; fi
            if command -v fish > /dev/null; then echo "fish ok|$(fish -n prefix/share/fish/vendor_completions.d/swdd.fish 2>&1 && echo fish ok)"
            else echo "SKIP the fish completion's syntax check: fish is not installed"; fi
            # The dd symlink is dd: GNU's help and GNU's operand error for a subcommand name.
            mkdir gnu && ln -s /usr/bin/dd gnu/dd
            for command in 'dd --help' 'dd list' 'dd help bench'; do
                echo "$(PATH="$PWD/gnu:$PATH" $command 2>&1 | head -n 3 | tr '\n' '~')|$(PATH="$PWD/links:$PATH" $command 2>&1 | head -n 3 | tr '\n' '~')"
            done
            '\#(Self.script)' --uninstall prefix > uninstall.log
            echo "nothing left|$( [ -e prefix ] && find prefix || echo nothing left)"
            echo "link removed|$( [ -L links/dd ] && echo still there || echo link removed)"
            echo "18 entries|$(wc -l < installed.txt | tr -d ' ') entries"
            """#, in: dir, create: true, timeout: 60)
        ScriptCase.expectPairs(result, name: "install into a prefix")
        #expect(String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("SKIP ") }.count >= 16)
    }

    @Test("a real dd is never replaced by the symlink")
    func refusesToReplaceARealDD() throws {
        try BenchCommandTests.skipUnderGNU()
        let dir = DDReference.scratchRoot + "/install-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = DDReference.shell(#"""
            mkdir links && cp /usr/bin/dd links/dd
            '\#(Self.script)' --binary '\#(DDReference.binaryUnderTest)' --with-dd-symlink links prefix
            echo "exit $?" >&2
            cmp -s /usr/bin/dd links/dd && echo same >&2
            [ -e prefix ] && echo "prefix made" >&2
            """#, in: dir, create: true)
        #expect(result.stderr.hasPrefix("install: refusing to replace '") && result.stderr.hasSuffix("exit 1\nsame\n"), "\(result.stderr)")
    }
}
