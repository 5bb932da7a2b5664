import SwddEngine

/// conv=ascii, ebcdic, ibm, lcase, ucase: every byte through GNU's 256-byte table, in place.
/// A byte's translation does not depend on its neighbours, so this is a parallel stage: the
/// chunks translate on every core while the next are read. It runs before the converter (swab,
/// block, unblock), as GNU translates a buffer before it swabs or re-blocks it.
final class DDTranslationStage: ChunkStage {
    private let table: [UInt8]

    init(table: [UInt8]) { self.table = table }

    func process(_ chunk: Chunk) throws {
        // The chunk is ours until it moves on, so translate in place.
        let bytes = chunk.base.assumingMemoryBound(to: UInt8.self)
        let count = chunk.count
        table.withUnsafeBufferPointer { table in
            for i in 0..<count { bytes[i] = table[Int(bytes[i])] }
        }
    }
}
