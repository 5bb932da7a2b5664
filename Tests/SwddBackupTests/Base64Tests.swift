import Foundation
import Testing
@testable import SwddRemote

/// The command channel's base64 against coreutils' own: `base64` encodes the same bytes to the
/// same lines, and `base64 -d` (what the remote runs) gives the bytes back.
@Suite struct Base64Tests {
    static func coreutils(_ arguments: [String], _ input: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/base64")
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let writer = Thread { stdin.fileHandleForWriting.write(Data(input)); try? stdin.fileHandleForWriting.close() }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](output)
    }

    @Test(arguments: [0, 1, 2, 3, 4, 56, 57, 58, 1000, 100_003])
    func encodesAsCoreutilsDoes(_ count: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let ours = Base64.encode(bytes)
        let theirs = String(decoding: try Self.coreutils([], bytes), as: UTF8.self)
        // coreutils prints nothing at all for no input; the channel sends one empty line.
        #expect(ours == (count == 0 ? "\n" : theirs))
        #expect(try Self.coreutils(["-d"], Array(ours.utf8)) == bytes)
    }
}
