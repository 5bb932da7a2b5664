/// Linux swap: only its header page (signature, version, size, label, UUID, bad pages) is
/// data; the rest holds pages of processes that no longer exist once the system is down.
/// A swap area holding a hibernation image has another signature and is not recognised.
enum SwapAllocation {
    static func usedRanges(_ volume: VolumeReader) throws(UntrustedAllocation) -> [Range<Int64>] {
        // mkswap writes the signature at the end of the first page, whatever the page size.
        for page in [4096, 8192, 16384, 65536] where Int64(page) <= volume.size {
            let tail = try volume.bytes(at: Int64(page - 10), count: 10)
            if tail == Array("SWAPSPACE2".utf8) {
                let start = volume.range.lowerBound
                return [start..<(start + Int64(page))]
            }
        }
        throw UntrustedAllocation("it has no SWAPSPACE2 signature (a hibernation image, or an old format)")
    }
}
