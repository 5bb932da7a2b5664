#if canImport(Glibc)
import Glibc
#endif

/// A write that stopped before the end: how many bytes did reach the file, and why it stopped.
public struct IncompleteWrite: Error, Equatable, Sendable {
    public var bytesWritten: Int
    public var error: SystemError
    public init(bytesWritten: Int, error: SystemError) {
        self.bytesWritten = bytesWritten
        self.error = error
    }
}

/// The one full-read / full-write pair (swift-system's `writeAll(toAbsoluteOffset:)`): every
/// loop over short counts in swdd is one of these.
extension FileDescriptor {
    /// Reads until `buffer` is full or the input ends (`read` returned 0); returns the bytes
    /// read, fewer than asked only at end of input. EINTR is retried below.
    public func readAll(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
            if n == 0 { break }  // end of input
            done += n
        }
        return done
    }

    /// Reads and drops `count` bytes of a stream (a pipe cannot seek); returns how many, fewer
    /// only at end of input.
    public func discard(_ count: Int64) throws(SystemError) -> Int64 {
        let scratchSize = Int(min(max(count, 1), 1 << 16))
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: scratchSize, alignment: 16)
        defer { scratch.deallocate() }
        var done: Int64 = 0
        while done < count {
            let want = Int(min(count - done, Int64(scratchSize)))
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: scratch.prefix(want)))
            if n == 0 { break }
            done += Int64(n)
        }
        return done
    }

    /// `pread` until `buffer` is full or end of file; the file offset does not move.
    public func readAll(fromAbsoluteOffset offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = try read(fromAbsoluteOffset: offset + Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
            if n == 0 { break }  // end of file
            done += n
        }
        return done
    }

    /// Writes all of `buffer` at the file offset, retrying short writes (GNU's iwrite). A write
    /// that returns 0 means the device is full: ENOSPC, as GNU dd reports it.
    public func writeAll(_ buffer: UnsafeRawBufferPointer) throws(IncompleteWrite) {
        var done = 0
        while done < buffer.count {
            let n: Int
            do {
                n = try write(UnsafeRawBufferPointer(rebasing: buffer[done...]))
            } catch {
                throw IncompleteWrite(bytesWritten: done, error: error)
            }
            if n == 0 { throw IncompleteWrite(bytesWritten: done, error: SystemError("write", path: path, code: .noSpace)) }
            done += n
        }
    }

    /// `pwrite` all of `buffer` at `offset`; the file offset does not move. 0 bytes is ENOSPC.
    public func writeAll(toAbsoluteOffset offset: Int64, _ buffer: UnsafeRawBufferPointer) throws(IncompleteWrite) {
        var done = 0
        while done < buffer.count {
            let n: Int
            do {
                n = try write(toAbsoluteOffset: offset + Int64(done), UnsafeRawBufferPointer(rebasing: buffer[done...]))
            } catch {
                throw IncompleteWrite(bytesWritten: done, error: error)
            }
            if n == 0 { throw IncompleteWrite(bytesWritten: done, error: SystemError("write", path: path, code: .noSpace)) }
            done += n
        }
    }

    /// Writes all of `text` (a log, a listing that must not be lost): the one throwing
    /// counterpart of the quiet `writeAll(_: String)` used for messages.
    public func writeAll(text: String) throws(IncompleteWrite) {
        var text = text
        let failure = text.withUTF8 { bytes -> IncompleteWrite? in
            do throws(IncompleteWrite) { try writeAll(UnsafeRawBufferPointer(bytes)) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }
}
