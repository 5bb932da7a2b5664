import SwddEngine
import SwddSystem

/// The decompressed image of a bmaptool pair (`IMG.gz`, `IMG.xz`, `IMG.bz2`), read in order from
/// the standard output of the system's decompressor, which reads the image file itself. The
/// decompressor's failure, or its exit with any status but 0, ends the run with its name and
/// its own first line of complaint.
final class DecompressorSource: ChunkSource {
    private let child: FilterProcess
    private let stream: StreamSource
    private(set) var bytesDelivered: Int64 = 0

    /// Starts `arguments` with `input` (at its start) as standard input.
    init(_ arguments: [String], input: FileDescriptor, counters: TransferCounters?) throws(SystemError) {
        child = try FilterProcess(arguments, input: input)
        stream = StreamSource(descriptor: child.output, detectsZeros: true, handsOverEarly: false, counters: counters)
    }

    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        let result: FillResult
        do {
            result = try stream.fill(chunk, context: context)
        } catch {
            stop()
            throw error
        }
        bytesDelivered = chunk.offset + Int64(chunk.count)
        if case .end = result {
            let (termination, message) = child.finish()
            guard termination == .exited(0) else {
                throw DecompressorFailed(commandLine: child.commandLine, termination: termination, message: message)
            }
        }
        return result
    }

    /// Ends the decompressor when the run stops before its output did (a range that does not
    /// match, a write error).
    func stop() { child.stop() }
}

/// The decompressor of a bmaptool image failed: which one, how it ended, what it said.
public struct DecompressorFailed: Error, Equatable, Sendable {
    public var commandLine: String
    public var termination: FilterProcess.Termination
    public var message: String?

    public var reason: String {
        let ended = switch termination {
        case .exited(let status): "exited with status \(status)"
        case .signaled(let signal): "was killed by signal \(signal)"
        }
        return "\(commandLine) \(ended)" + (message.map { ": \($0)" } ?? "")
    }
}
