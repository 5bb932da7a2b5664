// Standard streams that are closed: a file dd opens never becomes one of them, so nothing meant
// for standard error lands in `of=` (GNU dd opens its files onto descriptors 0 and 1).

import Foundation
import Testing

enum StandardStreamCases {
    static let all: [DDCase] = [
        DDCase(name: "closed stderr: of= is not descriptor 2", setup: "rnd 3000 > in",
               command: "dd if=in of=out skip=100 2>&-; echo \"exit $?\""),
        DDCase(name: "closed stderr: of= after a copy", setup: "rnd 3000 > in",
               command: "dd if=in of=out bs=1000 count=2 2>&-; echo \"exit $?\""),
        DDCase(name: "closed stdin and stderr: of= keeps its data", setup: "rnd 3000 > in",
               command: "dd if=in of=out seek=1 <&- 2>&-; echo \"exit $?\""),
    ]
}

@Suite("dd reference: failed writes to standard output and error")
struct StandardStreamReferenceTests {
    @Test("GNU dd and swdd agree", arguments: StandardStreamCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }
}
