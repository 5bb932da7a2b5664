/// The one place a stored data frame becomes its chunk's bytes, for every reader — restore and
/// verify, a restore from a stream, mount, the stand-in `list IMAGE` hands libblkid: an
/// encrypted image's frame is opened (authenticated, decrypted) first, then decompressed.
enum StoredFrame {
    /// Decodes `stored`, frame `position` of its image, into `destination`; returns the bytes it
    /// held. A frame that does not open or decompress is an error saying why.
    static func decode(_ stored: UnsafeRawBufferPointer, at position: FramePosition, cipher: FrameCipher?, codec: ZstdCodec,
                       into destination: UnsafeMutableRawBufferPointer) throws(ZstdCodec.Failure) -> Int {
        guard let cipher else { return try codec.decompress(stored, into: destination) }
        do {
            return try cipher.openFrame(stored, at: position) { try codec.decompress($0, into: destination) }
        } catch let failure as FrameCipher.Failure {
            throw ZstdCodec.Failure(reason: failure.reason)
        } catch let failure as ZstdCodec.Failure {
            throw failure
        } catch {
            throw ZstdCodec.Failure(reason: "\(error)")
        }
    }
}
