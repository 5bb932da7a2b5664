import Testing
@testable import SwddDD

/// Expected texts from GNU dd 9.1 with file names made by bash `$'…'`:
/// `dd if=NAME skip=10 of=/dev/null` (quotef: `NAME: cannot skip to specified offset`),
/// `dd if=/nonexist/NAME` (quoteaf: `failed to open …`), `dd NAME` (quote: `unrecognized
/// operand …`), each under `LC_ALL=C` and `LC_ALL=C.UTF-8`.
@Suite struct QuotingTests {
    // (name, quotef C, quotef UTF-8, quoteaf C, quoteaf UTF-8, quote C, quote UTF-8)
    static let names: [(String, String, String, String, String, String, String)] = [
        ("plain", "plain", "plain", "'plain'", "'plain'", "'plain'", "‘plain’"),
        ("with space", "'with space'", "'with space'", "'with space'", "'with space'",
         "'with space'", "‘with space’"),
        ("it's", "\"it's\"", "\"it's\"", "\"it's\"", "\"it's\"", "'it\\'s'", "‘it's’"),
        ("dq\"x", "'dq\"x'", "'dq\"x'", "'dq\"x'", "'dq\"x'", "'dq\"x'", "‘dq\"x’"),
        ("a:b", "'a:b'", "'a:b'", "'a:b'", "'a:b'", "'a:b'", "‘a:b’"),
        ("nl\nx", "'nl'$'\\n''x'", "'nl'$'\\n''x'", "'nl'$'\\n''x'", "'nl'$'\\n''x'",
         "'nl\\nx'", "‘nl\\nx’"),
        ("tab\tx", "'tab'$'\\t''x'", "'tab'$'\\t''x'", "'tab'$'\\t''x'", "'tab'$'\\t''x'",
         "'tab\\tx'", "‘tab\\tx’"),
        ("héllo", "'h'$'\\303\\251''llo'", "héllo", "'h'$'\\303\\251''llo'", "'héllo'",
         "'h\\303\\251llo'", "‘héllo’"),
        ("bs\\x", "'bs\\x'", "'bs\\x'", "'bs\\x'", "'bs\\x'", "'bs\\\\x'", "‘bs\\\\x’"),
        ("$var", "'$var'", "'$var'", "'$var'", "'$var'", "'$var'", "‘$var’"),
        ("-dash", "-dash", "-dash", "'-dash'", "'-dash'", "'-dash'", "‘-dash’"),
        ("~tilde", "'~tilde'", "'~tilde'", "'~tilde'", "'~tilde'", "'~tilde'", "‘~tilde’"),
        ("a~b", "a~b", "a~b", "'a~b'", "'a~b'", "'a~b'", "‘a~b’"),
        ("#hash", "'#hash'", "'#hash'", "'#hash'", "'#hash'", "'#hash'", "‘#hash’"),
        ("a#b", "a#b", "a#b", "'a#b'", "'a#b'", "'a#b'", "‘a#b’"),
        ("{", "'{'", "'{'", "'{'", "'{'", "'{'", "‘{’"),
        ("{a", "{a", "{a", "'{a'", "'{a'", "'{a'", "‘{a’"),
        ("a=b", "'a=b'", "'a=b'", "'a=b'", "'a=b'", "'a=b'", "‘a=b’"),
        ("ctrl\u{01}", "'ctrl'$'\\001'", "'ctrl'$'\\001'", "'ctrl'$'\\001'", "'ctrl'$'\\001'",
         "'ctrl\\001'", "‘ctrl\\001’"),
        ("it's space", "\"it's space\"", "\"it's space\"", "\"it's space\"", "\"it's space\"",
         "'it\\'s space'", "‘it's space’"),
        ("é'", "''$'\\303\\251'\\'''", "\"é'\"", "''$'\\303\\251'\\'''", "\"é'\"",
         "'\\303\\251\\''", "‘é'’"),
        ("?", "'?'", "'?'", "'?'", "'?'", "'?'", "‘?’"),
        ("a*b", "'a*b'", "'a*b'", "'a*b'", "'a*b'", "'a*b'", "‘a*b’"),
        ("", "''", "''", "''", "''", "''", "‘’"),
        ("standard input", "'standard input'", "'standard input'", "'standard input'",
         "'standard input'", "'standard input'", "‘standard input’"),
    ]

    @Test func namesMatchGNU() {
        for (name, fC, fU, afC, afU, qC, qU) in Self.names {
            #expect(Quoting.quoteIfNeeded(name, locale: .c) == fC, "\(name)")
            #expect(Quoting.quoteIfNeeded(name, locale: .utf8) == fU, "\(name)")
            #expect(Quoting.quoteAlways(name, locale: .c) == afC, "\(name)")
            #expect(Quoting.quoteAlways(name, locale: .utf8) == afU, "\(name)")
            #expect(Quoting.quote(name, locale: .c) == qC, "\(name)")
            #expect(Quoting.quote(name, locale: .utf8) == qU, "\(name)")
        }
    }

    /// from GNU dd 9.1, `LC_ALL=C.UTF-8`: `dd if=/n/NAME` and `dd NAME`.
    static let unicode: [([UInt8], String, String)] = [
        (Array("a\u{200B}b".utf8), "'/n/a\u{200B}b'", "‘a\u{200B}b’"),  // Cf: printable
        (Array("a\u{AD}b".utf8), "'/n/a\u{AD}b'", "‘a\u{AD}b’"),
        (Array("a\u{85}b".utf8), "'/n/a'$'\\302\\205''b'", "‘a\\302\\205b’"),  // Cc
        (Array("a\u{2028}b".utf8), "'/n/a'$'\\342\\200\\250''b'", "‘a\\342\\200\\250b’"),
        (Array("a\u{378}b".utf8), "'/n/a'$'\\315\\270''b'", "‘a\\315\\270b’"),  // unassigned
        (Array("a\u{E000}b".utf8), "'/n/a\u{E000}b'", "‘a\u{E000}b’"),  // private use
        (Array("a\u{1F600}b".utf8), "'/n/a\u{1F600}b'", "‘a\u{1F600}b’"),
        ([0x61, 0xC3], "'/n/a'$'\\303'", "‘a\\303’"),  // truncated at the end
        ([0x61, 0xC3, 0x62], "'/n/a'$'\\303''b'", "‘a\\303b’"),  // invalid
        ([0x61, 0xE2, 0x80], "'/n/a'$'\\342\\200'", "‘a\\342\\200’"),
        ([0xED, 0xA0, 0x80], "'/n/'$'\\355\\240\\200'", "‘\\355\\240\\200’"),  // surrogate
        ([0xC0, 0xAF], "'/n/'$'\\300\\257'", "‘\\300\\257’"),  // overlong
        (Array("a\u{2019}b".utf8), "'/n/a\u{2019}b'", "‘a\\\u{2019}b’"),  // the right quote
        (Array("a\u{2018}b".utf8), "'/n/a\u{2018}b'", "‘a\u{2018}b’"),
        (Array("a'b'".utf8), "\"/n/a'b'\"", "‘a'b'’"),
        ([0x7F], "'/n/'$'\\177'", "‘\\177’"),
        ([0x62, 0x61, 0x64, 0xFF], "'/n/bad'$'\\377'", "‘bad\\377’"),
    ]

    @Test func utf8BytesMatchGNU() {
        for (name, af, q) in Self.unicode {
            let path = Array("/n/".utf8) + name
            #expect(String(decoding: Quoting.quoteAlways(bytes: path, locale: .utf8), as: UTF8.self) == af,
                    "\(name)")
            #expect(String(decoding: Quoting.quote(bytes: name, locale: .utf8), as: UTF8.self) == q,
                    "\(name)")
        }
        // from GNU dd 9.1, LC_ALL=C: `dd 'bad\377'` → unrecognized operand 'bad\377'.
        #expect(String(decoding: Quoting.quote(bytes: [0x62, 0x61, 0x64, 0xFF], locale: .c),
                       as: UTF8.self) == "'bad\\377'")
    }

    @Test func localeDetection() {
        // The test process has not called setlocale, so it is in "C".
        #expect(QuotingLocale.current == .c)
    }
}
