import Testing
@testable import SwddDD
import SwddEngine

/// Expected messages are GNU dd 9.1's, from `LC_ALL=C /usr/bin/dd OPERANDS` and
/// `LC_ALL=C.UTF-8 /usr/bin/dd OPERANDS` (program prefix removed).
@Suite struct DDSettingsTests {
    func settings(_ operands: [String]) throws -> DDSettings {
        try DDSettings.parse(operands, locale: .c).settings
    }

    func failure(_ operands: [String], _ locale: QuotingLocale = .c) -> DDUsageError? {
        do {
            _ = try DDSettings.parse(operands, locale: locale)
            return nil
        } catch {
            return error
        }
    }

    static let errors: [([String], String, String, Bool)] = [
        (["foo"], "unrecognized operand 'foo'", "unrecognized operand ‘foo’", true),
        (["foo=1"], "unrecognized operand 'foo=1'", "unrecognized operand ‘foo=1’", true),
        (["="], "unrecognized operand '='", "unrecognized operand ‘=’", true),
        (["-"], "unrecognized operand '-'", "unrecognized operand ‘-’", true),
        (["bs=5", "foo"], "unrecognized operand 'foo'", "unrecognized operand ‘foo’", true),
        (["force"], "unrecognized operand 'force'", "unrecognized operand ‘force’", true),
        (["bs=0"], "invalid number: '0'", "invalid number: ‘0’", false),
        (["bs=1x"], "invalid number: '1x'", "invalid number: ‘1x’", false),
        (["bs="], "invalid number: ''", "invalid number: ‘’", false),
        (["bs=-1"], "invalid number: '-1'", "invalid number: ‘-1’", false),
        (["bs=1Ki"], "invalid number: '1Ki'", "invalid number: ‘1Ki’", false),
        (["count=5x0x3"], "invalid number: '5x0x3'", "invalid number: ‘5x0x3’", false),
        (["count=1Q"], "invalid number: '1Q'", "invalid number: ‘1Q’", false),
        (["count=9223372036854775807z"], "invalid number: '9223372036854775807z'",
         "invalid number: ‘9223372036854775807z’", false),
        (["count=99999999999999999999z"],
         "invalid number: '99999999999999999999z': Value too large for defined data type",
         "invalid number: ‘99999999999999999999z’: Value too large for defined data type", false),
        (["count=9223372036854775808"],
         "invalid number: '9223372036854775808': Value too large for defined data type",
         "invalid number: ‘9223372036854775808’: Value too large for defined data type", false),
        (["bs=9223372036854775807"],
         "invalid number: '9223372036854775807': Value too large for defined data type",
         "invalid number: ‘9223372036854775807’: Value too large for defined data type", false),
        (["bs=9223372036854775807z"],
         "invalid number: '9223372036854775807z': Value too large for defined data type",
         "invalid number: ‘9223372036854775807z’: Value too large for defined data type", false),
        (["count=1Y"], "invalid number: '1Y': Value too large for defined data type",
         "invalid number: ‘1Y’: Value too large for defined data type", false),
        (["conv="], "invalid conversion: ''", "invalid conversion: ‘’", true),
        (["conv=sync,"], "invalid conversion: ''", "invalid conversion: ‘’", true),
        (["conv=,sync"], "invalid conversion: ''", "invalid conversion: ‘’", true),
        (["conv=sync,foo,bar"], "invalid conversion: 'foo'", "invalid conversion: ‘foo’", true),
        (["conv=Sync"], "invalid conversion: 'Sync'", "invalid conversion: ‘Sync’", true),
        (["iflag=binary"], "invalid input flag: 'binary'", "invalid input flag: ‘binary’", true),
        (["iflag=text"], "invalid input flag: 'text'", "invalid input flag: ‘text’", true),
        (["iflag=cio"], "invalid input flag: 'cio'", "invalid input flag: ‘cio’", true),
        (["iflag=nolinks"], "invalid input flag: 'nolinks'", "invalid input flag: ‘nolinks’", true),
        (["iflag=fullblock,foo"], "invalid input flag: 'foo'", "invalid input flag: ‘foo’", true),
        (["oflag=foo"], "invalid output flag: 'foo'", "invalid output flag: ‘foo’", true),
        (["oflag=direct,foo"], "invalid output flag: 'foo'", "invalid output flag: ‘foo’", true),
        (["oflag=fullblock"], "invalid output flag: 'fullblock'", "invalid output flag: ‘fullblock’", true),
        (["oflag=fullblock", "conv=lcase,ucase"], "invalid output flag: 'fullblock'",
         "invalid output flag: ‘fullblock’", true),
        (["status="], "invalid status level: ''", "invalid status level: ‘’", true),
        (["status=default"], "invalid status level: 'default'", "invalid status level: ‘default’", true),
        (["status=none,foo"], "invalid status level: 'foo'", "invalid status level: ‘foo’", true),
        (["cbs=1", "conv=block,unblock"], "cannot combine block and unblock",
         "cannot combine block and unblock", false),
        (["conv=ascii,ebcdic"], "cannot combine any two of {ascii,ebcdic,ibm}",
         "cannot combine any two of {ascii,ebcdic,ibm}", false),
        (["cbs=3", "conv=ascii,block"], "cannot combine block and unblock",
         "cannot combine block and unblock", false),
        (["conv=lcase,ucase"], "cannot combine lcase and ucase", "cannot combine lcase and ucase", false),
        (["conv=excl,nocreat"], "cannot combine excl and nocreat", "cannot combine excl and nocreat", false),
        (["iflag=direct,nocache"], "cannot combine direct and nocache",
         "cannot combine direct and nocache", false),
        (["oflag=direct,nocache"], "cannot combine direct and nocache",
         "cannot combine direct and nocache", false),
        (["conv=lcase,ucase", "conv=ascii,ibm"], "cannot combine any two of {ascii,ebcdic,ibm}",
         "cannot combine any two of {ascii,ebcdic,ibm}", false),
        (["conv=foo", "iflag=bar"], "invalid conversion: 'foo'", "invalid conversion: ‘foo’", true),
        (["bs=0", "conv=foo"], "invalid number: '0'", "invalid number: ‘0’", false),
        (["conv=lcase,ucase", "bs=0"], "invalid number: '0'", "invalid number: ‘0’", false),
        (["oflag=append", "conv=lcase,ucase"], "cannot combine lcase and ucase",
         "cannot combine lcase and ucase", false),
        (["oflag=append,direct,nocache"], "cannot combine direct and nocache",
         "cannot combine direct and nocache", false),
        // swdd's own operand, reported in dd's style.
        (["force=maybe"], "invalid force setting: 'maybe'", "invalid force setting: ‘maybe’", true),
        (["hash=sha256,crc"], "invalid hash algorithm: 'crc'", "invalid hash algorithm: ‘crc’", true),
        (["hash="], "invalid hash algorithm: ''", "invalid hash algorithm: ‘’", true),
        (["compress=zstd:99"], "invalid compression: 'zstd:99' (expected zstd or zstd:LEVEL, -7 to 22)",
         "invalid compression: ‘zstd:99’ (expected zstd or zstd:LEVEL, -7 to 22)", true),
    ]

    @Test func errorMessagesMatchGNU() {
        for (operands, c, utf8, tryHelp) in Self.errors {
            let inC = failure(operands, .c)
            #expect(inC?.message == c, "\(operands)")
            #expect(inC?.tryHelp == tryHelp, "\(operands)")
            #expect(failure(operands, .utf8)?.message == utf8, "\(operands)")
        }
    }

    /// from GNU dd 9.1: `dd foo=0x5` warns, then rejects the operand.
    @Test func warningsBeforeAnError() {
        let error = failure(["foo=0x5"])
        #expect(error?.warnings == ["warning: '0x' is a zero multiplier; use '00x' if that is intended"])
        #expect(error?.message == "unrecognized operand 'foo=0x5'")
        #expect(failure(["foo=abc"])?.warnings == [])
    }

    /// from GNU dd 9.1: `oflag=append` without `conv=notrunc` warns (also with status=none),
    /// after all other checks passed.
    @Test func appendWarning() throws {
        let (_, warnings) = try DDSettings.parse(["oflag=append", "count=0x5"], locale: .c)
        #expect(warnings == ["warning: '0x' is a zero multiplier; use '00x' if that is intended",
                             "you probably want conv=notrunc with oflag=append"])
        #expect(try DDSettings.parse(["oflag=append", "conv=notrunc"], locale: .c).warnings == [])
        #expect(try DDSettings.parse(["iflag=append"], locale: .c).warnings == [])
    }

    @Test func accepted() throws {
        // from GNU dd 9.1: all accepted silently.
        for operands in [["oflag=count_bytes"], ["oflag=skip_bytes"], ["iflag=seek_bytes"],
                         ["conv=block,unblock"], ["status=none,noxfer"], ["bs=+5"], ["bs= 5"],
                         ["cbs=9223372036854775807"], ["count=99999999999999999999999x0"], ["if=", "of="]] {
            _ = try settings(operands)
        }
        #expect(try settings(["status=none,noxfer"]).status == .noxfer)
        #expect(try settings(["status=progress"]).status == .progress)
        #expect(try settings([]).status == .default)
        #expect(try settings(["if==x"]).inputPath == "=x")
        #expect(try settings(["if=a", "if=b"]).inputPath == "b")
        #expect(try settings(["force=yes"]).force)
        #expect(try !settings(["force=yes,no"]).force)
        #expect(try !settings([]).force)
        // hash=: order kept, repeats dropped, later operands add; hashlog= alone means SHA-256.
        #expect(try settings(["hash=sha512,md5", "hash=md5,sha1"]).hashAlgorithms == [.sha512, .md5, .sha1])
        #expect(try settings(["hashlog=h"]).hashAlgorithms == [.sha256])
        #expect(try settings(["hashlog=h"]).hashLogPath == "h")
        #expect(try settings([]).hashAlgorithms.isEmpty)
        #expect(try settings(["compress=zstd"]).compressionLevel == 1)
        #expect(try settings(["compress=zstd:-3"]).compressionLevel == -3)
        #expect(try settings([]).compressionLevel == nil)
    }

    @Test func blockSizesAndTwoBuffers() throws {
        let plain = try settings([])
        #expect(plain.inputBlockSize == 512 && plain.outputBlockSize == 512)
        #expect(plain.conversions == [.twoBuffers])
        let bs = try settings(["ibs=100", "bs=4K", "obs=7"])
        #expect(bs.inputBlockSize == 4096 && bs.outputBlockSize == 4096)
        #expect(!bs.conversions.contains(.twoBuffers))
        let split = try settings(["ibs=1K", "obs=100"])
        #expect(split.inputBlockSize == 1024 && split.outputBlockSize == 100)
        #expect(split.conversions.contains(.twoBuffers))
        #expect(try settings(["bs=1M", "conv=swab"]).conversions == [.swab, .twoBuffers])
        #expect(try settings(["bs=1M", "conv=sync,noerror"]).conversions == [.sync, .noerror])
        // ascii implies unblock, which needs cbs=.
        #expect(try settings(["conv=ascii"]).conversions == [.ascii, .twoBuffers])
        #expect(try settings(["conv=ascii", "cbs=80"]).conversions == [.ascii, .unblock, .twoBuffers])
        #expect(try settings(["conv=ibm", "cbs=80"]).conversions == [.ibm, .block, .twoBuffers])
    }

    /// from GNU dd 9.1: `dd if=/dev/zero of=/dev/null bs=512 count=C` record lines.
    @Test func countSplits() throws {
        var s = try settings(["bs=512", "count=1KB"])  // 1+1 records in, 1000 bytes
        #expect((s.maxRecords, s.maxBytes) == (1, 488))
        #expect(s.inputFlags.contains(.countBytes))
        s = try settings(["bs=512", "count=2Bx3"])  // 0+1 records in, 6 bytes
        #expect((s.maxRecords, s.maxBytes) == (0, 6))
        s = try settings(["bs=512", "count=1kiB"])  // 2+0 records in
        #expect((s.maxRecords, s.maxBytes) == (2, 0))
        s = try settings(["bs=1K", "count=3K"])  // 3072+0 records in
        #expect((s.maxRecords, s.maxBytes) == (3072, 0))
        s = try settings(["bs=1K", "count=3", "iflag=count_bytes"])  // 0+1 records in
        #expect((s.maxRecords, s.maxBytes) == (0, 3))
        s = try settings(["count=9223372036854775807"])
        #expect(!s.hasCountLimit && s.maxBytes == 0)
        s = try settings(["count=0"])
        #expect(s.copiesNothing && s.hasCountLimit)
        #expect(try !settings([]).hasCountLimit)
    }

    @Test func skipAndSeekSplits() throws {
        var s = try settings(["bs=1000", "skip=2500B", "seek=3"])
        #expect((s.skipRecords, s.skipBytes) == (2, 500))
        #expect((s.seekRecords, s.seekBytes) == (3, 0))
        #expect(s.skipOffset == 2500 && s.seekOffset == 3000)
        s = try settings(["ibs=10", "obs=100", "iseek=25", "oseek=250B", "iflag=skip_bytes"])
        #expect((s.skipRecords, s.skipBytes) == (2, 5))
        #expect((s.seekRecords, s.seekBytes) == (2, 50))
        #expect(s.outputFlags.contains(.seekBytes))
        // skip= and iseek= are one value: the last wins, with its own B.
        s = try settings(["skip=7B", "iseek=3"])
        #expect((s.skipRecords, s.skipBytes) == (3, 0))
        #expect(!s.inputFlags.contains(.skipBytes))  // GNU keeps skip_B of the last operand only
        // from GNU dd 9.1: `seek=9223372036854775807 bs=2` → offset too large.
        s = try settings(["bs=2", "seek=9223372036854775807"])
        #expect(s.seekOffset == nil)
        #expect(DDMessages.offsetTooLarge(seekRecords: s.seekRecords, outputBlockSize: s.outputBlockSize)
                == "offset too large: cannot truncate to a length of seek=9223372036854775807 (2-byte) blocks")
    }

    @Test func partialReadWarningRule() throws {
        #expect(try settings(["bs=10", "count=3"]).warnPartialRead)
        #expect(try settings(["bs=10", "skip=1"]).warnPartialRead)
        #expect(try settings(["bs=10", "iflag=direct"]).warnPartialRead)
        #expect(try !settings(["bs=10"]).warnPartialRead)
        #expect(try !settings(["bs=10", "count=3", "iflag=fullblock"]).warnPartialRead)
        #expect(try !settings(["ibs=10", "count=3"]).warnPartialRead)
        #expect(try !settings(["bs=10", "count=0"]).warnPartialRead)
    }

    @Test func flags() throws {
        let s = try settings(["iflag=dsync,nocache,fullblock", "oflag=direct,seek_bytes"])
        #expect(s.inputFlags == [.dsync, .sync, .nocache, .fullblock])
        #expect(s.inputFlags.openFlags == [.dsync, .sync])
        #expect(s.outputFlags == [.direct, .seekBytes])
    }
}
