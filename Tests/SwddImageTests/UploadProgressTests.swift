import Testing
@testable import SwddImage

/// The sidecar of an upload is cut with its connection, anywhere: a reader keeps exactly the
/// records that arrived whole, and continues after the last frame wholly in the partial image.
/// An encrypted image's sidecar is sealed: without its key it is nobody's, and its digests are
/// not in it to read.
@Suite struct UploadProgressTests {
    static let imageID = (0..<16).map { UInt8($0 * 7) }
    static let imageKey = try! ImageKey(keyFileBytes: (0..<32).map { UInt8($0) })
    static let otherKey = try! ImageKey(keyFileBytes: (0..<32).map { UInt8(255 - $0) })

    static func sample(sealed: Bool = false) -> UploadProgress {
        var progress = UploadProgress(key: "chain=disk\nkind=full\n", header: Array(repeating: 7, count: 41),
                                      sealing: sealed ? imageKey : nil, imageID: imageID)
        for (index, size) in [1000, 20, 555].enumerated() {
            progress.frames.append(.init(compressedSize: UInt32(size), decompressedSize: 1 << 20,
                                         states: [.data, .zero, BlockState(rawValue: UInt8(index % 5))!],
                                         digests: (0..<48).map { UInt8(($0 * 5 + index) & 255) }))
        }
        return progress
    }

    static func decode(_ bytes: [UInt8], sealed: Bool) -> UploadProgress? {
        UploadProgress.decode(bytes, sealing: sealed ? imageKey : nil, imageID: imageID)
    }

    @Test(arguments: [false, true])
    func everyCutKeepsTheWholeRecordsBeforeIt(sealed: Bool) throws {
        let progress = Self.sample(sealed: sealed)
        let bytes = try progress.encoded()
        let preamble = progress.encodedPreamble().count
        #expect(Self.decode(bytes, sealed: sealed) == progress)
        var recordEnds: [Int] = []
        for index in progress.frames.indices {
            recordEnds.append((recordEnds.last ?? preamble) + (try progress.record(progress.frames[index], index: index)).count)
        }
        #expect(recordEnds.last == bytes.count)
        for cut in 0..<bytes.count {
            let decoded = Self.decode(Array(bytes[..<cut]), sealed: sealed)
            if cut < preamble {
                #expect(decoded == nil, "cut at \(cut)")
            } else {
                #expect(decoded?.frames == Array(progress.frames.prefix(recordEnds.filter { $0 <= cut }.count)), "cut at \(cut)")
            }
        }
    }

    @Test func aSealedSidecarOpensOnlyWithItsKeyAndHoldsNoDigestInTheClear() throws {
        let progress = Self.sample(sealed: true)
        let bytes = try progress.encoded()
        #expect(UploadProgress.decode(bytes, imageID: Self.imageID) == nil)
        // Another key, or another image's: not one record opens (and the header names its key id).
        #expect(UploadProgress.decode(bytes, sealing: Self.otherKey, imageID: Self.imageID)?.frames == [])
        #expect(UploadProgress.decode(bytes, sealing: Self.imageKey, imageID: Array(Self.imageID.reversed()))?.frames == [])
        for frame in progress.frames {
            let digest = Array(frame.digests[0..<16])
            #expect(!bytes.indices.dropLast(15).contains { Array(bytes[$0..<($0 + 16)]) == digest })
        }
        // The plain sidecar of the same frames does hold them: the search above finds what it looks for.
        let plain = try Self.sample().encoded()
        #expect(plain.indices.dropLast(15).contains { Array(plain[$0..<($0 + 16)]) == Array(progress.frames[0].digests[0..<16]) })
        // A record moved to another place does not open there: the sidecar ends before it.
        let first = try progress.record(progress.frames[0], index: 0), second = try progress.record(progress.frames[1], index: 1)
        let swapped = progress.encodedPreamble() + second + first
        #expect(Self.decode(swapped, sealed: true)?.frames == [])
    }

    @Test func continuesAfterTheLastFrameWhollyInThePartial() throws {
        let progress = Self.sample()
        #expect(progress.keeping(partialSize: 40) == nil)
        #expect(progress.keeping(partialSize: 41)?.frames.count == 0)
        #expect(progress.keeping(partialSize: 41 + 999)?.frames.count == 0)
        #expect(progress.keeping(partialSize: 41 + 1019)?.frames.count == 1)
        let two = try #require(progress.keeping(partialSize: 41 + 1020))
        #expect(two.frames.count == 2)
        #expect(two.imageBytes == Int64(41 + 1020))
        #expect(two.sourceBytes == Int64(2 << 20))
        #expect(progress.keeping(partialSize: 41 + 1574)?.frames.count == 2)
        #expect(progress.keeping(partialSize: 1 << 30) == progress)
        // What is kept of a sealed sidecar is still sealed.
        #expect(try Self.sample(sealed: true).keeping(partialSize: 41 + 1020)!.encoded() != (try two.encoded()))
    }

    @Test func namesTheFirstDifferenceOfTheKey() {
        let progress = Self.sample()
        #expect(progress.keyDifference("chain=disk\nkind=full\n") == nil)
        #expect(progress.keyDifference("chain=disk\nkind=incremental\n") == "its kind was 'full', is 'incremental'")
    }
}
