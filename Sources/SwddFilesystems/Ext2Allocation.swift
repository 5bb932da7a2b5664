import CExt2fs
import SwddSystem
import Synchronization

/// ext2/3/4 through libext2fs, the library e2fsck is built on: the filesystem opened read-only
/// at its offset (unix_io's `offset=` option), its block bitmap read, and the set bits walked
/// in runs. The only place swdd calls libext2fs.
enum Ext2Allocation {
    /// libext2fs's error table, registered once so `error_message` can word its codes.
    private static let errorTable = Mutex(false)

    /// The used byte ranges of the ext2/3/4 filesystem at `range` of the file or device `path`.
    /// Refused (thrown) when it was not cleanly unmounted, has errors or a journal to replay, or
    /// when its group descriptors' free counts disagree with its bitmap.
    static func usedRanges(path: String, range: Range<Int64>) throws(UntrustedAllocation) -> [Range<Int64>] {
        errorTable.withLock { registered in
            if !registered { initialize_ext2_error_table() }
            registered = true
        }
        var opened: ext2_filsys?
        let flags = EXT2_FLAG_64BITS | EXT2_FLAG_SKIP_MMP
        let status = ext2fs_open2(path, "offset=\(range.lowerBound)", flags, 0, 0, swdd_unix_io_manager(), &opened)
        guard status == 0, let fs = opened else { throw UntrustedAllocation("libext2fs cannot open it: \(message(status))") }
        defer { ext2fs_close_free(&opened) }
        let superblock = fs.pointee.`super`.pointee
        if superblock.s_state & UInt16(EXT2_VALID_FS) == 0 { throw UntrustedAllocation("it was not cleanly unmounted") }
        if superblock.s_state & UInt16(EXT2_ERROR_FS) != 0 { throw UntrustedAllocation("it is marked as having errors") }
        if superblock.s_feature_incompat & UInt32(EXT3_FEATURE_INCOMPAT_RECOVER) != 0 {
            throw UntrustedAllocation("its journal needs recovery")
        }
        let bitmapStatus = ext2fs_read_block_bitmap(fs)
        guard bitmapStatus == 0 else { throw UntrustedAllocation("its block bitmap cannot be read: \(message(bitmapStatus))") }

        let blockSize = Int64(fs.pointee.blocksize)
        let blocks = ext2fs_blocks_count(fs.pointee.`super`)
        let first = UInt64(superblock.s_first_data_block)
        guard blocks > first, Int64(blocks) * blockSize <= range.upperBound - range.lowerBound else {
            throw UntrustedAllocation("its block count does not fit its partition")
        }
        var used = RangeCollector()
        // Below the first data block (the boot block of a 1 KiB-block filesystem) is not in any bitmap.
        used.add(range.lowerBound..<(range.lowerBound + Int64(first) * blockSize))
        let map = fs.pointee.block_map
        var position = first
        var usedBlocks: UInt64 = 0
        while position < blocks {
            var start: blk64_t = 0
            // ENOENT: no set bit from `position` on.
            guard ext2fs_find_first_set_block_bitmap2(map, position, blocks - 1, &start) == 0 else { break }
            var end: blk64_t = 0
            if ext2fs_find_first_zero_block_bitmap2(map, start, blocks - 1, &end) != 0 { end = blocks }
            used.add((range.lowerBound + Int64(start) * blockSize)..<(range.lowerBound + Int64(end) * blockSize))
            usedBlocks += end - start
            position = end
        }
        var recordedFree: UInt64 = 0
        for group in 0..<fs.pointee.group_desc_count {
            recordedFree += UInt64(ext2fs_bg_free_blocks_count(fs, group))
        }
        let bitmapFree = blocks - first - usedBlocks
        guard recordedFree == bitmapFree else {
            throw UntrustedAllocation("its group descriptors count \(recordedFree) free blocks, its bitmap \(bitmapFree)")
        }
        // Past the filesystem's last block, up to the partition's end, may lie anything (an md
        // superblock at the end of a member): kept.
        used.add((range.lowerBound + Int64(blocks) * blockSize)..<range.upperBound)
        return used.ranges
    }

    private static func message(_ code: errcode_t) -> String {
        guard let text = error_message(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
