import SwddEngine
import SwddSystem

/// dd's input side as a pipeline source: reads records of `ibs`, honouring count, fullblock,
/// sync padding, noerror and the partial-read warning, and records each read in the chunk's
/// units so the consumer can count `N+M records in` exactly as GNU dd would.
///
/// Regular files and block devices return full reads until end of file, so in `batched` mode
/// one large read stands for many records (the counts come out the same); pipes, terminals and
/// character devices are read one record at a time, because their partial reads are visible.
final class DDReader: ChunkSource {
    private let input: FileDescriptor
    private let name: String?
    private let settings: DDSettings
    private let reporter: DDReporter
    private let batched: Bool
    private let blockSize: Int
    private let padByte: UInt8
    /// Records still to read before `finalBytes` (count=); UInt64.max means unlimited.
    private var recordsLeft: UInt64
    /// Bytes of the last, short read that count_bytes asks for after the records.
    private var finalBytes: UInt64
    /// Size of the previous read when it was short (GNU's partread).
    private var previousShortRead = 0
    private let partialReadWarning: DDPartialReadWarning
    /// Bytes consumed from the start of the input (skip included), for noerror's re-seek.
    private var offset: Int64
    private var seekable: Bool
    private var pendingError: SystemError?
    private var finished = false
    /// conv=sparse on a regular file: holes are not read but stood in by NULs (the writer seeks
    /// over them); `inputSize` bounds the extent lookups.
    private let skipsHoles: Bool
    private let inputSize: Int64
    /// Start of the record-aligned stretch of hole ahead, when known: reads stop there.
    private var holeAhead: (start: Int64, end: Int64)?

    init(input: FileDescriptor, name: String?, settings: DDSettings, reporter: DDReporter,
         batched: Bool, startOffset: Int64, seekable: Bool, recordsAlreadyRead: UInt64 = 0,
         skipsHoles: Bool = false, inputSize: Int64 = 0, partialReadWarning: DDPartialReadWarning) {
        self.partialReadWarning = partialReadWarning
        self.skipsHoles = skipsHoles && batched && startOffset >= 0
        self.inputSize = inputSize
        self.input = input
        self.name = name
        self.settings = settings
        self.reporter = reporter
        self.batched = batched
        self.blockSize = settings.inputBlockSize
        let usesSpaces = settings.conversions.contains(.block) || settings.conversions.contains(.unblock)
        self.padByte = usesSpaces ? settings.spaceCharacter : 0
        self.recordsLeft = settings.maxRecords == UInt64.max ? .max : settings.maxRecords - min(recordsAlreadyRead, settings.maxRecords)
        self.finalBytes = settings.maxBytes
        self.offset = startOffset
        self.seekable = seekable
    }

    /// Whether the record budget (count=) is spent.
    private var budgetSpent: Bool { recordsLeft == 0 && finalBytes == 0 }

    /// The records read into the chunk being filled and the reads behind them; handed over as
    /// its annotation.
    private var notes = DDChunkNotes()

    /// Whether a read returned end of file (GNU's nread == 0), as opposed to count= or a read
    /// error ending the input; nocache then advises to the end of the file. Read it once the
    /// pipeline has ended.
    private(set) var reachedEndOfInput = false

    func fill(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        notes.removeAll()
        chunk.offset = offset
        defer { if !notes.isEmpty { chunk.annotation = notes } }
        if finished { return .end }
        if let error = pendingError {
            pendingError = nil
            if !(try recoverFromReadError(error, chunk: chunk, context: context)) { return .end }
        }
        return batched ? try fillBatched(chunk, context: context) : try fillRecordByRecord(chunk, context: context)
    }

    /// status=progress: GNU checks the clock at the top of its copy loop, before each read and
    /// before count= ends the copy, and prints what has been written. Returns true when the
    /// records in this chunk must reach the writer first (a serial dd has written them by then):
    /// the chunk is handed over, and the next fill checks again.
    private func progressCheckpoint(_ context: ReaderContext) -> Bool {
        guard reporter.status == .progress, reporter.progressIsDue(at: MonotonicClock.now()) else { return false }
        if !notes.isEmpty { return true }
        context.waitUntilConsumerCaughtUp()
        reporter.printProgress(at: MonotonicClock.now())
        return false
    }

    // MARK: - Batched (files, block devices)

    private func fillBatched(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        while chunk.freeSpace >= blockSize && !budgetSpent {
            if progressCheckpoint(context) { return .more }
            var want: Int
            let isFinalPiece = recordsLeft == 0
            if isFinalPiece {
                want = Int(finalBytes)
            } else {
                let fits = UInt64(chunk.freeSpace / blockSize)
                want = Int(min(fits, recordsLeft)) * blockSize
            }
            if skipsHoles && !isFinalPiece {
                switch standInForHole(upTo: want / blockSize, in: chunk) {
                case .stoodIn: return .more  // a hole is a chunk of its own
                case .endsChunk: return .more
                case .none: break
                }
                if let hole = holeAhead, hole.start > offset {
                    // Read only up to the hole, which starts on a record boundary.
                    want = min(want, Int(hole.start - offset))
                }
            }
            let start = chunk.count
            var got = 0
            var failure: SystemError?
            // A file returns less than asked only at end of file; loop to be sure of that.
            while got < want {
                do {
                    let n = try readOnce(into: chunk.buffer.slice(start + got, want - got))
                    if n == 0 { break }  // end of file
                    got += n
                } catch {
                    failure = error
                    break
                }
            }
            account(bytes: got, at: start, in: chunk, finalPiece: isFinalPiece)
            if let failure {
                pendingError = failure
                return .more
            }
            if got < want {
                reachedEndOfInput = true
                finished = true
                return .end
            }
        }
        if budgetSpent {
            if progressCheckpoint(context) { return .more }
            return finishedEnd()
        }
        return .more
    }

    private func finishedEnd() -> FillResult {
        finished = true
        return .end
    }

    private enum HoleStandIn { case none, stoodIn, endsChunk }

    /// At a record-aligned hole, stands in up to `maxRecords` records of NULs without reading
    /// them and moves the file offset past them. The hole becomes a chunk of its own (kind
    /// `.hole`, its zeros in the buffer for the conversions and the writer): data read before it
    /// ends the current chunk first.
    private func standInForHole(upTo maxRecords: Int, in chunk: Chunk) -> HoleStandIn {
        if holeAhead == nil || holeAhead!.end <= offset { holeAhead = findHole() }
        guard let hole = holeAhead, hole.start <= offset, hole.end > offset else { return .none }
        let records = min(maxRecords, Int((hole.end - offset) / Int64(blockSize)))
        guard records > 0 else { return .none }
        guard chunk.count == 0 else { return .endsChunk }
        let bytes = records * blockSize
        guard (try? input.seek(offset: offset + Int64(bytes), from: .start)) != nil else { return .none }
        chunk.markHole(at: offset, length: bytes)
        chunk.materializeZeros()
        account(bytes: bytes, at: 0, in: chunk, finalPiece: false)
        return .stoodIn
    }

    /// The next hole at or after the offset, shrunk to whole records on dd's record grid
    /// (which starts where reading started); an empty stretch at the end when none remains.
    private func findHole() -> (start: Int64, end: Int64) {
        let grid = Int64(blockSize)
        var cursor = offset
        defer { _ = try? input.seek(offset: offset, from: .start) }  // SEEK_DATA/SEEK_HOLE move it
        while cursor < inputSize {
            guard let hole = try? input.nextHole(from: cursor, limit: inputSize) else { break }
            let alignedStart = offset + (hole.lowerBound - offset + grid - 1) / grid * grid
            let alignedEnd = offset + (hole.upperBound - offset) / grid * grid
            if alignedEnd > alignedStart { return (alignedStart, alignedEnd) }
            cursor = hole.upperBound
        }
        return (inputSize, inputSize)  // no hole left: an empty stretch at the end
    }

    /// Splits `bytes` just read at `start` into full records and one short one, padding the
    /// short one for conv=sync, and charges them to the count budget.
    private func account(bytes: Int, at start: Int, in chunk: Chunk, finalPiece: Bool) {
        guard bytes > 0 else { return }
        offset += Int64(bytes)
        var full = bytes / blockSize
        var rest = bytes % blockSize
        if finalPiece { full = 0; rest = bytes }
        notes.units.append(length: blockSize, count: full, isFull: true)
        notes.reads.appendReads(bytes: blockSize, count: full)
        chunk.count = start + full * blockSize
        if full > 0 { previousShortRead = 0 }
        if recordsLeft != UInt64.max { recordsLeft -= UInt64(min(UInt64(full), recordsLeft)) }
        if rest > 0 {
            appendShortRecord(rest, in: chunk)
        }
        if finalPiece { finalBytes = 0 }
    }

    /// A short record of `length` bytes read (0: the stand-in for a read that failed).
    private func appendShortRecord(_ length: Int, in chunk: Chunk) {
        previousShortRead = length
        if length > 0 { notes.reads.appendReads(bytes: length) }
        if settings.conversions.contains(.sync) {
            (chunk.base + chunk.count + length).initializeMemory(as: UInt8.self, repeating: padByte, count: blockSize - length)
            notes.units.append(length: blockSize, isFull: false)
            chunk.count += blockSize
        } else {
            notes.units.append(length: length, isFull: false)
            chunk.count += length
        }
        if recordsLeft > 0 && recordsLeft != UInt64.max { recordsLeft -= 1 } else if recordsLeft == 0 { finalBytes = 0 }
    }

    // MARK: - Record by record (pipes, terminals, character devices)

    private func fillRecordByRecord(_ chunk: Chunk, context: ReaderContext) throws -> FillResult {
        let slot = blockSize
        while chunk.freeSpace >= slot {
            if progressCheckpoint(context) { return .more }
            if budgetSpent { finished = true; return .end }
            let size = recordsLeft > 0 ? blockSize : Int(finalBytes)
            let start = chunk.count
            let n: Int
            do {
                n = settings.inputFlags.contains(.fullblock)
                    ? try readFullBlock(into: chunk.buffer.slice(start, size))
                    : try readOnce(into: chunk.buffer.slice(start, size))
            } catch {
                pendingError = error
                return .more
            }
            if n == 0 {
                reachedEndOfInput = true
                finished = true
                return .end
            }
            offset += Int64(n)
            if n < blockSize {
                appendShortRecord(n, in: chunk)
            } else {
                notes.units.append(length: n, isFull: true)
                notes.reads.appendReads(bytes: n)
                chunk.count += n
                previousShortRead = 0
                if recordsLeft != UInt64.max { recordsLeft -= 1 }
            }
            // Hand over at once if the writer is idle: a slow producer's data flows on promptly.
            if context.consumerIsWaiting { return .more }
        }
        return .more
    }

    /// iflag=fullblock: keep reading until the record is full or the input ends.
    private func readFullBlock(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        var got = 0
        while got < buffer.count {
            let n = try readOnce(into: UnsafeMutableRawBufferPointer(rebasing: buffer[got...]))
            if n == 0 { break }
            got += n
        }
        return got
    }

    private func readOnce(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        do {
            let n = try input.read(into: buffer)
            partialReadWarning.noteRead(n, requested: buffer.count)
            return n
        } catch {
            // GNU ignores the EINVAL an O_DIRECT read gets at an unaligned end of file.
            let previous = partialReadWarning.lastRead
            if error.code == .invalidArgument && settings.inputFlags.contains(.direct) && 0 < previous && previous < blockSize {
                return 0
            }
            partialReadWarning.noteFailedRead()
            throw error
        }
    }

    // MARK: - Read errors

    /// Without noerror a read error ends the input (the consumer reports it and flushes what it
    /// has). With noerror dd reports it with the statistics so far, skips the bad record and,
    /// with sync, stands in a record of NULs. Returns false when the input must end.
    private func recoverFromReadError(_ error: SystemError, chunk: Chunk, context: ReaderContext) throws -> Bool {
        guard settings.conversions.contains(.noerror) else { throw DDReadFailure(error: error) }
        // Statistics must include everything read before the error, as in a serial dd.
        context.waitUntilConsumerCaughtUp()
        // GNU keeps quiet about errors it was told to skip when told to be quiet.
        if reporter.status != .none {
            reporter.diagnose(DDMessages.errorReading(name, reason: error.reason, locale: reporter.locale))
        }
        reporter.printStatistics()
        let skipOver = Int64(blockSize - previousShortRead)
        let standsIn = settings.conversions.contains(.sync) && previousShortRead == 0
        if seekable {
            offset += skipOver
            do {
                try input.seek(offset: offset, from: .start)
            } catch {
                reporter.diagnose(DDMessages.cannotSeek(name, isInput: true, reason: error.reason, locale: reporter.locale))
                seekable = false
                notes.reads.appendFailedRead(badPortion: Int(skipOver), standsInRecord: false, seekableAfter: false)
                throw DDReadFailure(error: nil)
            }
        }
        notes.reads.appendFailedRead(badPortion: Int(skipOver), standsInRecord: standsIn, seekableAfter: seekable)
        if standsIn {
            // The missing record becomes a record of pad bytes, counted as partial.
            appendShortRecord(0, in: chunk)
        }
        return true
    }
}

/// A read error that ends the input; `error` is nil when the message was already printed.
struct DDReadFailure: Error {
    var error: SystemError?
}
