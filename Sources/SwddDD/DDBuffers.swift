import SwddEngine
import SwddSystem

/// The memory of a dd copy, allocated where GNU dd 9.1 allocates its buffers (`alloc_ibuf`,
/// `alloc_obuf`): after the output is opened, skip= and seek= are done, and before the first read
/// — kernel copies included, so `bs=1E` copies nothing — and not at all with count=0.
///
/// GNU needs one buffer of ibs, and one of obs with two buffers; swdd needs no more, so it runs
/// wherever GNU does: one chunk and the converter's one output block are the minimum, taken first.
/// More chunks (reading while writing) and a larger output block (fewer writes) are taken after,
/// only as far as memory allows.
struct DDBuffers {
    let pool: ChunkPool
    /// The converter's output block (two buffers only).
    let converterBuffer: AlignedBuffer?

    /// `chunkSize` is the plan's chunk (whole input records; a single record when that cannot be
    /// had), `chunkCount` how many it would like.
    static func allocate(_ settings: DDSettings, chunkSize: Int, chunkCount: Int, alignment: Int) throws(DDFatalError) -> DDBuffers {
        let ibs = settings.inputBlockSize
        var pool: ChunkPool?
        for size in chunkSize == ibs ? [ibs] : [chunkSize, ibs] {
            if let made = try? ChunkPool(chunkCount: 1, chunkSize: size, alignment: alignment) {
                pool = made
                break
            }
        }
        guard let pool else {
            throw DDFatalError(message: DDMessages.memoryExhaustedByInputBuffer(size: ibs), printsStatistics: false)
        }
        var converterBuffer: AlignedBuffer?
        if settings.conversions.contains(.twoBuffers) {
            let obs = settings.outputBlockSize
            converterBuffer = DDConverter.allocateBuffer(outputBlockSize: obs, preferredCapacity: max(obs, pool.chunkSize),
                                                         alignment: alignment)
            if converterBuffer == nil {
                throw DDFatalError(message: DDMessages.memoryExhaustedByOutputBuffer(size: obs), printsStatistics: false)
            }
        }
        pool.grow(toChunkCount: chunkCount)
        return DDBuffers(pool: pool, converterBuffer: converterBuffer)
    }
}
