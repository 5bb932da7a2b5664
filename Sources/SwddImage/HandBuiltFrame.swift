import Synchronization

/// zstd frames swdd writes without the compressor (RFC 8878 §3.1.1): an all-zero chunk as RLE
/// blocks — a 1 MiB chunk of zeros is a 45-byte frame — and a stored chunk (`--store`) as raw
/// blocks. Both carry the frame content size and zstd's content checksum, so any decoder,
/// `zstd -d` on a pipe included, reproduces and checks them.
enum HandBuiltFrame {
    /// Frame_Header_Descriptor: 4-byte Frame_Content_Size (flag 2), Single_Segment (so no window
    /// descriptor; the window is the content size), Content_Checksum; no dictionary.
    static let descriptor: UInt8 = 0xA4
    static let magic: UInt32 = 0xFD2F_B528
    /// Block_Maximum_Size: min(window, 128 KiB); a single-segment frame's window is its content.
    static let maximumBlock = 128 << 10
    static let headerSize = 9
    static let blockHeaderSize = 3

    /// Bytes an RLE frame of `length` zeros takes.
    static func zeroFrameSize(length: Int) -> Int {
        headerSize + blocks(length) * (blockHeaderSize + 1) + 4
    }

    /// Bytes a raw frame of `length` bytes takes.
    static func storedFrameSize(length: Int) -> Int {
        headerSize + blocks(length) * blockHeaderSize + length + 4
    }

    static func blocks(_ length: Int) -> Int { max(1, (length + maximumBlock - 1) / maximumBlock) }

    /// Writes an RLE frame of `length` zero bytes at `out` (which holds `zeroFrameSize`); returns its size.
    static func writeZeroFrame(length: Int, checksum: UInt32, to out: UnsafeMutableRawPointer) -> Int {
        var at = writeHeader(length: length, to: out)
        var left = length
        repeat {
            let n = min(left, maximumBlock)
            left -= n
            at += writeBlockHeader(last: left == 0, type: 1, size: n, to: out + at)
            out.storeBytes(of: 0, toByteOffset: at, as: UInt8.self)
            at += 1
        } while left > 0
        return at + writeLE32(checksum, to: out + at)
    }

    /// Writes `bytes` as a raw-block frame at `out` (which holds `storedFrameSize`); returns its size.
    static func writeStoredFrame(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutableRawPointer) -> Int {
        var at = writeHeader(length: bytes.count, to: out)
        var done = 0
        repeat {
            let n = min(bytes.count - done, maximumBlock)
            at += writeBlockHeader(last: done + n == bytes.count, type: 0, size: n, to: out + at)
            if n > 0 { (out + at).copyMemory(from: bytes.baseAddress! + done, byteCount: n) }
            at += n
            done += n
        } while done < bytes.count
        return at + writeLE32(FrameChecksum.of(bytes), to: out + at)
    }

    private static func writeHeader(length: Int, to out: UnsafeMutableRawPointer) -> Int {
        var at = writeLE32(magic, to: out)
        out.storeBytes(of: descriptor, toByteOffset: at, as: UInt8.self)
        at += 1
        return at + writeLE32(UInt32(length), to: out + at)
    }

    /// Block_Header: bit 0 Last_Block, bits 1–2 Block_Type (0 raw, 1 RLE), bits 3–23 Block_Size.
    private static func writeBlockHeader(last: Bool, type: UInt32, size: Int, to out: UnsafeMutableRawPointer) -> Int {
        let header = (last ? 1 : 0) | (type << 1) | (UInt32(size) << 3)
        for i in 0..<3 { out.storeBytes(of: UInt8(truncatingIfNeeded: header >> (8 * UInt32(i))), toByteOffset: i, as: UInt8.self) }
        return blockHeaderSize
    }

    private static func writeLE32(_ value: UInt32, to out: UnsafeMutableRawPointer) -> Int {
        for i in 0..<4 { out.storeBytes(of: UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))), toByteOffset: i, as: UInt8.self) }
        return 4
    }
}

/// Zero frames by length, built once: every zero chunk of a length shares the same bytes.
final class ZeroFrames: Sendable {
    private let cache = Mutex<[Int: [UInt8]]>([:])

    func frame(length: Int) -> [UInt8] {
        if let known = cache.withLock({ $0[length] }) { return known }
        var bytes = [UInt8](repeating: 0, count: HandBuiltFrame.zeroFrameSize(length: length))
        let checksum = FrameChecksum.ofZeros(length: length)
        let size = bytes.withUnsafeMutableBytes { HandBuiltFrame.writeZeroFrame(length: length, checksum: checksum, to: $0.baseAddress!) }
        bytes.removeLast(bytes.count - size)
        cache.withLock { $0[length] = bytes }
        return bytes
    }
}
