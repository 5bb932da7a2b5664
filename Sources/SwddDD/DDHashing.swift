import SwddEngine
import SwddSystem

/// dd mode's `hash=`: digests of the bytes written, in BSD-style checksum lines
/// (`SHA256 (out.img) = …`, which `sha256sum -c` reads) printed after the summary and written
/// to `hashlog=`.
///
/// Where the chunks carry exactly the bytes written — no swab, block or unblock — each digest
/// is an ordered stage on a thread of its own, off the copy's critical path. Those three
/// conversions make bytes that exist only in the converter's output, so there the writer
/// feeds the digests as it writes.
final class DDHashing {
    let algorithms: [DigestAlgorithm]
    private let stages: [DigestStage]
    /// Fed by the writer when the digests cannot ride the pipeline; nil otherwise.
    let writerDigests: DDWriterDigests?

    init(_ settings: DDSettings) {
        algorithms = settings.hashAlgorithms
        let reblocks = !settings.conversions.isDisjoint(with: [.swab, .block, .unblock])
        if reblocks {
            stages = []
            writerDigests = algorithms.isEmpty ? nil : DDWriterDigests(algorithms)
        } else {
            stages = algorithms.map { DigestStage($0) }
            writerDigests = nil
        }
    }

    var isEmpty: Bool { algorithms.isEmpty }

    /// The pipeline steps that compute the digests (none when the writer does).
    var steps: [PipelineStep] { stages.map { PipelineStep($0, threading: .ordered) } }

    /// One line per algorithm, in the order `hash=` named them; `name` is the output's path,
    /// `-` for standard output.
    func lines(outputName: String) -> String {
        let results = writerDigests?.results ?? stages.map(\.result)
        return results.map { "\($0.algorithm.tag) (\(outputName)) = \($0.hex)\n" }.joined()
    }
}

/// Digests the dd writer feeds with the bytes of each write, on the sink's thread.
final class DDWriterDigests {
    private var digests: [StreamDigest]

    init(_ algorithms: [DigestAlgorithm]) { digests = algorithms.map { StreamDigest($0) } }

    func update(_ bytes: UnsafeRawBufferPointer) {
        for index in digests.indices { digests[index].update(bytes) }
    }

    var results: [(algorithm: DigestAlgorithm, hex: String)] { digests.map { ($0.algorithm, $0.hexDigest()) } }
}
