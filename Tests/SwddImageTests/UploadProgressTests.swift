import Testing
@testable import SwddImage

/// The sidecar of an upload is cut with its connection, anywhere: a reader keeps exactly the
/// records that arrived whole, and continues after the last frame wholly in the partial image.
@Suite struct UploadProgressTests {
    static func sample() -> UploadProgress {
        var progress = UploadProgress(key: "chain=disk\nkind=full\n", header: Array(repeating: 7, count: 41))
        for (index, size) in [1000, 20, 555].enumerated() {
            progress.frames.append(.init(compressedSize: UInt32(size), decompressedSize: 1 << 20,
                                         states: [.data, .zero, BlockState(rawValue: UInt8(index % 5))!],
                                         digests: (0..<48).map { UInt8(($0 + index) & 255) }))
        }
        return progress
    }

    @Test func everyCutKeepsTheWholeRecordsBeforeIt() {
        let progress = Self.sample()
        let bytes = progress.encoded()
        let preamble = progress.encodedPreamble().count
        #expect(UploadProgress.decode(bytes) == progress)
        let recordEnds = progress.frames.indices.map { i in
            preamble + progress.frames[...i].reduce(0) { $0 + UploadProgress.record($1).count }
        }
        for cut in 0..<bytes.count {
            let decoded = UploadProgress.decode(Array(bytes[..<cut]))
            if cut < preamble {
                #expect(decoded == nil, "cut at \(cut)")
            } else {
                #expect(decoded?.frames == Array(progress.frames.prefix(recordEnds.filter { $0 <= cut }.count)), "cut at \(cut)")
            }
        }
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
    }

    @Test func namesTheFirstDifferenceOfTheKey() {
        let progress = Self.sample()
        #expect(progress.keyDifference("chain=disk\nkind=full\n") == nil)
        #expect(progress.keyDifference("chain=disk\nkind=incremental\n") == "its kind was 'full', is 'incremental'")
    }
}
