import SwddSystem

/// The engine's zero-copy paths, for plans in which nothing needs to see the data: the kernel
/// moves it, swdd only counts. A front end picks one when its rules allow (dd: no conversion,
/// no hashing, the file kinds right) and does the rest, if any, through the pipeline.
public enum KernelCopyPath {
    /// Where a kernel copy stopped.
    public struct Outcome: Sendable, Equatable {
        /// Bytes moved.
        public var bytes: Int64
        /// Why it stopped before the length asked, if it did: an error, or nil at end of input.
        public var error: SystemError?
    }

    /// `copy_file_range` from `input` at `inputOffset` to `output` at `outputOffset`, up to
    /// `length` bytes, in slices of `slice` bytes (reflinks where the file system shares
    /// extents). After each slice `progress` gets the bytes moved so far (for counters and
    /// SIGUSR1 statistics). Stops at the first error or short copy (end of input, or a file
    /// that changed); the caller decides whether the pipeline redoes the rest.
    public static func copyFileRange(from input: FileDescriptor, at inputOffset: Int64,
                                     to output: FileDescriptor, at outputOffset: Int64,
                                     length: Int64, slice: Int64, counters: TransferCounters? = nil,
                                     progress: (Int64) -> Void = { _ in }) -> Outcome {
        var inOffset = inputOffset
        var outOffset = outputOffset
        var copied: Int64 = 0
        while copied < length {
            let want = Int(min(slice, length - copied))
            let n: Int
            do {
                n = try KernelCopy.copyFileRange(from: input, at: &inOffset, to: output, at: &outOffset, count: want)
            } catch {
                return Outcome(bytes: copied, error: error)
            }
            if n == 0 { break }  // end of input (the file shrank)
            copied += Int64(n)
            counters?.addRead(n)
            counters?.addWritten(n)
            progress(copied)
            if n < want { break }
        }
        return Outcome(bytes: copied, error: nil)
    }

    /// `splice` from a file or block device (at its file offset) into a pipe, one `record` of
    /// bytes per round — the sizes a reader of the pipe would have seen from `write` — up to
    /// `length` bytes. After each record `progress` gets the bytes moved so far; after an error
    /// the outcome's bytes include the part of the record that moved. A record
    /// larger than the pipe's free space goes over in several moves (a reader cannot see write
    /// boundaries beyond PIPE_BUF anyway). Stops at end of input or at the first error.
    public static func splice(from input: FileDescriptor, to pipe: FileDescriptor, record: Int, length: UInt64,
                              counters: TransferCounters? = nil,
                              progress: (_ copied: UInt64) -> Void = { _ in }) -> Outcome {
        var copied: UInt64 = 0
        while copied < length {
            let want = Int(min(UInt64(record), length - copied))
            var moved = 0
            while moved < want {
                let n: Int
                do {
                    n = try KernelCopy.splice(from: input, at: nil, to: pipe, count: want - moved)
                } catch {
                    return Outcome(bytes: Int64(copied) + Int64(moved), error: error)
                }
                if n == 0 { break }  // end of input
                moved += n
                counters?.addRead(n)
                counters?.addWritten(n)
            }
            copied += UInt64(moved)
            progress(copied)
            if moved < want { break }
        }
        return Outcome(bytes: Int64(copied), error: nil)
    }
}
