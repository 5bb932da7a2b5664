import SwddSystem

/// iflag=nocache / oflag=nocache for one descriptor, call for call as GNU dd 9.1 makes them
/// (`cache_round` and `invalidate_cache` in src/dd.c): the bytes read or written are added up and
/// advised (`posix_fadvise(POSIX_FADV_DONTNEED)`) in whole multiples of 128 KiB, the rest kept
/// pending; a call for 0 bytes advises the pending rest — or, once the input ended
/// (`toEndOfFile`), everything from the page the rest starts in to the end of the file.
///
/// The offsets are GNU's, quirks included: the input's is the offset dd keeps (`inputOffset`);
/// the output's is asked of lseek once, at the first advice, and then moved on by what each call
/// advised and left pending rather than by what was written.
struct DDCacheDrop {
    enum Side { case input, output }

    /// coreutils 9.1's IO_BUFSIZE.
    static let roundingUnit: Int64 = 128 << 10

    /// What one call comes to.
    enum Outcome: Equatable {
        /// Nothing is due yet.
        case nothingDue
        /// `posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED)`; length 0 is to the end.
        case advise(offset: Int64, length: Int64)
        /// The offset is unknown (a pipe: ESPIPE): GNU reports this after count=0.
        case offsetUnknown(Errno)
    }

    let side: Side
    /// GNU's i_nocache_eof / o_nocache_eof.
    var toEndOfFile = false
    /// Input: GNU's input_offset, and input_seekable (an unseekable input is never advised).
    var inputOffset: Int64 = 0
    var inputSeekable = false
    /// Bytes read or written but not yet advised (GNU's i_pending / o_pending).
    private var pending: Int64 = 0
    /// Output: GNU's static output_offset — -2 until first needed, then lseek's answer, -1 when
    /// lseek failed (a pipe: never advised).
    private var outputOffset: Int64 = -2

    init(side: Side) { self.side = side }

    /// `cache_round`: adds `length` and returns the whole multiples now due (0 for none), or
    /// with `length` 0 returns what is pending.
    private mutating func round(_ length: Int64) -> Int64 {
        guard length != 0 else { return pending }
        let (sum, overflow) = pending.addingReportingOverflow(length)
        let total = overflow ? Int64.max : sum
        pending = total % Self.roundingUnit
        return total > pending ? total - pending : 0
    }

    /// `invalidate_cache(fd, length)`, less the system call: what to advise. `position` is what
    /// `lseek(fd, 0, SEEK_CUR)` would return at this point of a serial dd; it is asked at most
    /// once, for the output. (GNU 9.1 counts a refused `posix_fadvise` as done.)
    mutating func invalidate(_ length: Int64, position: () -> Result<Int64, SystemError>) -> Outcome {
        var advised = round(length)
        if length != 0 && advised == 0 { return .nothingDue }
        if length == 0 && advised == 0 && !toEndOfFile { return .nothingDue }
        var pendingNow = length != 0 ? round(0) : 0
        var failure = Errno.illegalSeek
        let offset: Int64
        switch side {
        case .input:
            offset = inputSeekable ? inputOffset : -1
        case .output:
            if outputOffset != -1 {
                if outputOffset < 0 {
                    switch position() {
                    case .success(let at): outputOffset = at
                    case .failure(let error): outputOffset = -1; failure = error.code
                    }
                } else if length != 0 {
                    outputOffset += advised + pendingNow  // GNU's offset bookkeeping, not the bytes written
                }
            }
            offset = outputOffset
        }
        guard offset >= 0 else { return .offsetUnknown(failure) }
        if length == 0 && advised != 0 && toEndOfFile {
            pendingNow = advised
            advised = 0
        }
        var start = offset - advised - pendingNow
        // To the end of the file: from the start of the page (C's truncating remainder, as GNU).
        if advised == 0 { start -= start % Int64(AlignedBuffer.pageSize) }
        return .advise(offset: start, length: advised)
    }
}
