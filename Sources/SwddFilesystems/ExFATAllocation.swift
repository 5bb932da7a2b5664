/// exFAT, from its boot sector and its allocation bitmap (found in the root directory): the
/// boot regions and FATs before the cluster heap are in use, and every cluster whose bitmap bit
/// is set. Refused when the VolumeDirty flag is set (mounted read-write, or not cleanly
/// unmounted), or when the bitmap does not mark its own clusters and the root directory's.
enum ExFATAllocation {
    static func usedRanges(_ volume: VolumeReader) throws(UntrustedAllocation) -> [Range<Int64>] {
        let boot = try volume.bytes(at: 0, count: 512)
        guard Array(boot[3..<11]) == Array("EXFAT   ".utf8), boot[510] == 0x55, boot[511] == 0xAA else {
            throw UntrustedAllocation("its boot sector is not exFAT's")
        }
        let sectorShift = Int64(boot[108]), clusterShift = Int64(boot[109])
        guard (9...12).contains(sectorShift), clusterShift <= 25 - sectorShift else { throw UntrustedAllocation("its boot sector's geometry does not add up") }
        let sectorBytes = Int64(1) << sectorShift
        let clusterBytes = sectorBytes << clusterShift
        let fatOffset = Int64(boot.u32(80)), fatLength = Int64(boot.u32(84))
        let heapOffset = Int64(boot.u32(88)), clusterCount = Int64(boot.u32(92))
        let rootCluster = Int64(boot.u32(96))
        let flags = boot.u16(106)
        let fats = Int64(boot[110])
        guard fats == 1 || fats == 2, Int64(boot.u64(72)) * sectorBytes <= volume.size,
              heapOffset * sectorBytes + clusterCount * clusterBytes <= volume.size, fatLength * sectorBytes >= (clusterCount + 2) * 4 else {
            throw UntrustedAllocation("its boot sector's geometry does not add up")
        }
        if flags & 0x0002 != 0 { throw UntrustedAllocation("it is marked dirty (mounted read-write, or not cleanly unmounted)") }
        let active = fats == 2 ? Int64(flags & 0x0001) : 0
        let fat = try volume.bytes(at: (fatOffset + active * fatLength) * sectorBytes, count: Int((clusterCount + 2) * 4))

        func isCluster(_ c: Int64) -> Bool { c >= 2 && c < clusterCount + 2 }
        func offset(ofCluster c: Int64) -> Int64 { heapOffset * sectorBytes + (c - 2) * clusterBytes }
        /// A chain through the FAT, to its end mark; `count` clusters of a file that may be
        /// contiguous without FAT entries (NoFatChain), where an entry of 0 means "the next".
        func chain(from first: Int64, count: Int64?) throws(UntrustedAllocation) -> [Int64] {
            var clusters: [Int64] = []
            var cluster = first
            while true {
                guard isCluster(cluster), Int64(clusters.count) < clusterCount else { throw UntrustedAllocation("a cluster chain leaves its heap") }
                clusters.append(cluster)
                if let count, Int64(clusters.count) == count { return clusters }
                let next = Int64(fat.u32(Int(cluster) * 4))
                if next >= 0xFFFF_FFF8 {
                    guard count == nil else { throw UntrustedAllocation("its allocation bitmap's chain ends early") }
                    return clusters
                }
                cluster = next == 0 && count != nil ? cluster + 1 : next
            }
        }

        let root = try chain(from: rootCluster, count: nil)
        var bitmapEntry: (first: Int64, length: Int64)?
        scan: for cluster in root {
            let entries = try volume.bytes(at: offset(ofCluster: cluster), count: Int(clusterBytes))
            for at in stride(from: 0, to: entries.count, by: 32) {
                switch entries[at] {
                case 0x00: break scan  // the end of the directory
                case 0x81 where Int64(entries[at + 1] & 0x01) == active:
                    bitmapEntry = (Int64(entries.u32(at + 20)), Int64(entries.u64(at + 24)))
                    break scan
                default: continue
                }
            }
        }
        guard let bitmapEntry, bitmapEntry.length * 8 >= clusterCount else { throw UntrustedAllocation("its allocation bitmap was not found") }
        let bitmapClusters = try chain(from: bitmapEntry.first, count: (bitmapEntry.length + clusterBytes - 1) / clusterBytes)
        var bitmap: [UInt8] = []
        for cluster in bitmapClusters { bitmap += try volume.bytes(at: offset(ofCluster: cluster), count: Int(clusterBytes)) }
        func isAllocated(_ c: Int64) -> Bool { bitmap[Int((c - 2) / 8)] & (1 << UInt8((c - 2) % 8)) != 0 }
        for cluster in bitmapClusters + root where !isAllocated(cluster) {
            throw UntrustedAllocation("its allocation bitmap does not mark cluster \(cluster), which it uses itself")
        }

        let base = volume.range.lowerBound
        var used = RangeCollector()
        used.add(base..<(base + heapOffset * sectorBytes))
        for cluster in 2..<(clusterCount + 2) where isAllocated(cluster) {
            let at = base + offset(ofCluster: cluster)
            used.add(at..<(at + clusterBytes))
        }
        // Past the heap to the end of the partition: no cluster's; kept.
        used.add((base + offset(ofCluster: clusterCount + 2))..<volume.range.upperBound)
        return used.ranges
    }
}
