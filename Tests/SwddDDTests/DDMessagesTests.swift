import Testing
@testable import SwddDD
import SwddSystem

/// Each expected text is GNU dd 9.1's (`LC_ALL=C.UTF-8`, program prefix removed), provoked as
/// the doc comment of each DDMessages function says.
@Suite struct DDMessagesTests {
    let u = QuotingLocale.utf8

    @Test func messagesMatchGNU() {
        #expect(DDMessages.failedToOpen("/nonexist/with space", reason: "No such file or directory", locale: u)
                == "failed to open '/nonexist/with space': No such file or directory")
        #expect(DDMessages.failedToOpen("/nonexist/it's", reason: "No such file or directory", locale: u)
                == "failed to open \"/nonexist/it's\": No such file or directory")
        #expect(DDMessages.errorReading("/", reason: "Is a directory", locale: u)
                == "error reading '/': Is a directory")
        #expect(DDMessages.writingTo("/dev/full", reason: "No space left on device", locale: u)
                == "writing to '/dev/full': No space left on device")
        #expect(DDMessages.errorWriting("/dev/full", reason: "No space left on device", locale: u)
                == "error writing '/dev/full': No space left on device")
        #expect(DDMessages.cannotSeek(nil, isInput: false, reason: "Illegal seek", locale: u)
                == "'standard output': cannot seek: Illegal seek")
        #expect(DDMessages.cannotSeek("/tmp/ddp/x", isInput: false, reason: "Invalid argument", locale: u)
                == "/tmp/ddp/x: cannot seek: Invalid argument")
        #expect(DDMessages.cannotSkipToSpecifiedOffset(nil, locale: u)
                == "'standard input': cannot skip to specified offset")
        #expect(DDMessages.cannotSkipToSpecifiedOffset("a:b", locale: u)
                == "'a:b': cannot skip to specified offset")
        #expect(DDMessages.cannotSkipToSpecifiedOffset("plain", locale: u)
                == "plain: cannot skip to specified offset")
        #expect(DDMessages.failedToTruncate(size: 512, path: "ao", reason: "Operation not permitted", locale: u)
                == "failed to truncate to 512 bytes in output file 'ao': Operation not permitted")
        #expect(DDMessages.failedToTruncate(size: 9223372036854775806, path: "/tmp/ddp/x",
                                            reason: "File too large", locale: u)
                == "failed to truncate to 9223372036854775806 bytes in output file '/tmp/ddp/x': File too large")
        #expect(DDMessages.fsyncFailed("/dev/null", reason: "Invalid argument", locale: u)
                == "fsync failed for '/dev/null': Invalid argument")
        #expect(DDMessages.settingFlags(nil, isInput: true, reason: "Invalid argument", locale: u)
                == "setting flags for 'standard input': Invalid argument")
        #expect(DDMessages.memoryExhaustedByInputBuffer(size: 9223372036854775806)
                == "memory exhausted by input buffer of size 9223372036854775806 bytes (8.0 EiB)")
        #expect(DDMessages.failedToOpen("/dev/null", reason: "Not a directory", locale: u)
                == "failed to open '/dev/null': Not a directory")
        #expect(Errno.noSpace.description == "No space left on device")
        #expect(Errno.overflow.description == DDMessages.valueTooLarge)
    }
}
