import Testing
@testable import SwddDD

@Suite struct DDTranslationTests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test func tablesMatchGNU() throws {
        for (conv, expected) in DDTranslationFixtures.tables {
            let settings = try DDSettings.parse(["conv=\(conv)"], locale: .c).settings
            let table = try #require(settings.translation, "\(conv)")
            #expect(Self.hex(table) == expected, "\(conv)")
        }
    }

    @Test func noTranslation() throws {
        for conv in ["sync", "swab", "block", "notrunc,noerror"] {
            #expect(try DDSettings.parse(["conv=\(conv)"], locale: .c).settings.translation == nil)
        }
    }

    /// GNU's newline_character/space_character for EBCDIC output.
    @Test func newlineAndSpace() throws {
        let plain = try DDSettings.parse([], locale: .c).settings
        #expect(plain.newlineCharacter == 0x0A && plain.spaceCharacter == 0x20)
        for conv in ["ebcdic", "ibm"] {
            let s = try DDSettings.parse(["conv=\(conv)", "cbs=8"], locale: .c).settings
            #expect(s.newlineCharacter == 0x25 && s.spaceCharacter == 0x40)
        }
        let ascii = try DDSettings.parse(["conv=ascii"], locale: .c).settings
        #expect(ascii.newlineCharacter == 0x0A && ascii.spaceCharacter == 0x20)
    }
}
