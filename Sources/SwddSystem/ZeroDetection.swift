/// Whether a range is all zero bytes. Word-at-a-time, because it runs over every byte that
/// `conv=sparse` and image hole detection look at.
public func isAllZero(_ pointer: UnsafeRawPointer, count: Int) -> Bool {
    var index = 0
    // Bytes up to the first 8-byte boundary.
    while index < count && (Int(bitPattern: pointer + index) & 7) != 0 {
        if pointer.load(fromByteOffset: index, as: UInt8.self) != 0 { return false }
        index += 1
    }
    // 32 bytes per step; OR-ing lets the loop test once per step.
    while index + 32 <= count {
        let a = pointer.load(fromByteOffset: index, as: UInt64.self)
        let b = pointer.load(fromByteOffset: index + 8, as: UInt64.self)
        let c = pointer.load(fromByteOffset: index + 16, as: UInt64.self)
        let d = pointer.load(fromByteOffset: index + 24, as: UInt64.self)
        if (a | b | c | d) != 0 { return false }
        index += 32
    }
    while index < count {
        if pointer.load(fromByteOffset: index, as: UInt8.self) != 0 { return false }
        index += 1
    }
    return true
}
