import CZstd
import Synchronization

/// libzstd's one-shot compression and decompression of a chunk, with one context per thread
/// that asks: a parallel stage's workers each reuse a context instead of making one per frame
/// (a context holds megabytes of tables).
public final class ZstdCodec: @unchecked Sendable {
    public struct Failure: Error, Equatable {
        /// `ZSTD_getErrorName`'s text.
        public var reason: String
    }

    private let level: Int32
    /// A context is a raw C pointer used by one thread at a time (taken, used, given back).
    private struct Context: @unchecked Sendable { let pointer: OpaquePointer }
    private let compressors = Mutex<[Context]>([])
    private let decompressors = Mutex<[Context]>([])

    public init(level: Int32 = 1) { self.level = level }

    deinit {
        for context in compressors.withLock({ $0 }) { ZSTD_freeCCtx(context.pointer) }
        for context in decompressors.withLock({ $0 }) { ZSTD_freeDCtx(context.pointer) }
    }

    /// The most a frame of `length` bytes can take.
    public static func bound(_ length: Int) -> Int { ZSTD_compressBound(length) }

    /// Compresses `source` into one frame at `destination`, with the content size and zstd's
    /// content checksum in it; returns the frame's size.
    public func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
        let context = try takeCompressor()
        defer { compressors.withLock { $0.append(Context(pointer: context)) } }
        let n = ZSTD_compress2(context, destination.baseAddress, destination.count, source.baseAddress, source.count)
        if ZSTD_isError(n) != 0 { throw Failure(reason: String(cString: ZSTD_getErrorName(n))) }
        return n
    }

    /// Decompresses one frame into `destination`; returns the bytes it held. A damaged frame
    /// (its checksum, its structure) is an error with zstd's reason.
    public func decompress(_ frame: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
        let context: OpaquePointer
        if let reused = decompressors.withLock({ $0.popLast() }) {
            context = reused.pointer
        } else {
            guard let made = ZSTD_createDCtx() else { throw Failure(reason: "out of memory for a decompression context") }
            context = made
        }
        defer { decompressors.withLock { $0.append(Context(pointer: context)) } }
        let n = ZSTD_decompressDCtx(context, destination.baseAddress, destination.count, frame.baseAddress, frame.count)
        if ZSTD_isError(n) != 0 { throw Failure(reason: String(cString: ZSTD_getErrorName(n))) }
        return n
    }

    private func takeCompressor() throws(Failure) -> OpaquePointer {
        if let reused = compressors.withLock({ $0.popLast() }) { return reused.pointer }
        guard let context = ZSTD_createCCtx() else { throw Failure(reason: "out of memory for a compression context") }
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1)
        return context
    }
}
