#if canImport(Glibc)
import Glibc
#endif
import Synchronization

extension FileDescriptor {
    /// Writes all of `text`, retrying short writes and EINTR. Used for messages and listings on
    /// standard output and error, where the caller has nowhere to report a failure: a failed
    /// write ends quietly, but on standard output or error it is noted (`StandardStreams`), so
    /// the process can still exit with an error instead of 0 having lost its output.
    public func writeAll(_ text: String) {
        var text = text
        let failure: Errno? = text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let rest = UnsafeRawBufferPointer(start: buffer.baseAddress! + offset, count: buffer.count - offset)
                let n: Int
                do throws(SystemError) {
                    n = try write(rest)
                } catch {
                    return error.code
                }
                if n == 0 { return .noSpace }
                offset += n
            }
            return nil
        }
        if let failure { StandardStreams.noteFailure(of: self, code: failure) }
    }
}

/// The error indicator of standard output and standard error (C's `ferror` on `stdout` and
/// `stderr`): the first failed text write to each, kept until the process ends, where GNU tools
/// check it (gnulib's `close_stdout`: `dd --help >/dev/full` says `write error` and exits 1; a
/// copy whose statistics could not be written exits 1).
public enum StandardStreams {
    private static let outputError = Atomic<Int32>(0)
    private static let errorError = Atomic<Int32>(0)
    private static let programName = Mutex("swdd")

    /// Records `code` for descriptor 1 or 2, unless an earlier failure is recorded.
    static func noteFailure(of descriptor: FileDescriptor, code: Errno) {
        let raw = max(code.rawValue, 1)
        switch descriptor.rawValue {
        case 1: _ = outputError.compareExchange(expected: 0, desired: raw, ordering: .relaxed)
        case 2: _ = errorError.compareExchange(expected: 0, desired: raw, ordering: .relaxed)
        default: break
        }
    }

    /// The first failed write to standard output, if any.
    public static var outputFailure: Errno? { code(outputError.load(ordering: .relaxed)) }
    /// The first failed write to standard error, if any.
    public static var errorFailure: Errno? { code(errorError.load(ordering: .relaxed)) }

    private static func code(_ raw: Int32) -> Errno? { raw == 0 ? nil : Errno(rawValue: raw) }

    /// GNU's `close_stdout` at `exit`: if standard output lost text (ours, or the C library's
    /// buffered `stdout`), says `PROGRAM: write error: REASON` on standard error and exits 1; if
    /// standard error did, exits 1 silently. A stream that was never written is no error, even
    /// when closed. The C function is `atexit`; signals that kill the process skip it, as in GNU.
    public static func checkAtExit(program: String) {
        programName.withLock { $0 = program }
        atexit {
            // ArgumentParser's help and messages go through the C library's buffered stdout, the
            // one C stream written (stderr is unbuffered), so a failed flush is standard output's.
            if fflush(nil) != 0 {
                StandardStreams.noteFailure(of: .standardOutput, code: .current(or: .ioError))
            }
            if let failure = StandardStreams.outputFailure {
                let program = StandardStreams.programName.withLock { $0 }
                FileDescriptor.standardError.writeAll("\(program): write error: \(failure.description)\n")
                _exit(1)
            }
            if StandardStreams.errorFailure != nil { _exit(1) }
        }
    }
}

extension String {
    /// The string as a JSON string literal (RFC 8259): quotes, backslashes and control
    /// characters escaped, everything else as is.
    public var jsonQuoted: String {
        var out = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
