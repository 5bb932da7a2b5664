/// The two steps every reader of a restore point takes on a frame — open it (decrypt,
/// decompress, check its length) and check each block it gives against the digest its image
/// recorded — in one place, so that restore and verify (`FrameDecodingStage`) and a mount
/// (`RestorePointChunks`) judge and word damage alike.
extension RestorePoint {
    /// Decodes `stored`, the stored bytes of frame `index` of member `member`, into
    /// `destination` (a chunk's room). Damage — a frame that does not open, or holds another
    /// length than its seek table entry — is `.damaged` at the frame's offset in its image.
    func decodeFrame(_ stored: UnsafeRawBufferPointer, member: Int, frame index: Int, codec: ZstdCodec,
                     into destination: UnsafeMutableRawBufferPointer) throws(ImageFormatError) {
        let layout = members[member].layout
        let frame = layout.frames[index]
        let n: Int
        do {
            n = try StoredFrame.decode(stored, at: layout.position(ofFrame: index), cipher: layout.cipher, codec: codec, into: destination)
        } catch {
            throw .damaged(offset: frame.fileOffset, "\(imageName(member))frame \(index): \(error.reason)")
        }
        guard n == frame.length else {
            throw .damaged(offset: frame.fileOffset, "\(imageName(member))frame \(index) holds \(n) bytes, not \(frame.length)")
        }
    }

    /// Checks `bytes`, block `block` as frame `frame` of member `member` gave it.
    func checkBlock(_ bytes: UnsafeRawBufferPointer, member: Int, frame: Int, block: Int) throws(ImageFormatError) {
        let metadata = members[member].layout.metadata
        guard metadata.hash.digest(bytes)[...] == metadata.digest(ofBlock: block) else {
            throw blockMismatch(member: member, frame: frame, block: block)
        }
    }

    /// Block `block` of frame `frame` of member `member` is not what its image recorded.
    func blockMismatch(member: Int, frame: Int, block: Int) -> ImageFormatError {
        let layout = members[member].layout
        return .damaged(offset: layout.frames[frame].fileOffset,
                        "\(imageName(member))block \(block) (source offset \(Int64(block) * Int64(layout.metadata.blockSize))) does not match its \(layout.metadata.hash.name) digest")
    }

    /// Names the image in a chain's messages; a single image is the one the user named.
    func imageName(_ member: Int) -> String {
        members.count > 1 ? "in '\(members[member].name)', " : ""
    }
}
