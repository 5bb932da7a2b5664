import SwddSystem

/// Where and when GNU dd 9.1 drops the page cache (`DDCacheDrop` for the arithmetic): after each
/// read (iflag=nocache) and each write (oflag=nocache), for each read error conv=noerror skips
/// (with or without nocache, to keep GNU's offsets), when O_DIRECT is dropped for a short write,
/// at the end of the input, and once at the end of the copy.
///
/// Every call is made on the main thread, in the order a serial dd makes them: the sink replays
/// each chunk's reads (`DDReadLog`, from the reader thread) and the writes done for it
/// (`DDWriteLog`) interleaved as GNU interleaves them — so the sequence of `fadvise64` calls (which
/// side, offset, length) is GNU's, and `strace` sees it without `-f`. Batched reads and writes
/// stay batched: only the bookkeeping is per record.
final class DDCacheAdvisor {
    private var input = DDCacheDrop(side: .input)
    private var output = DDCacheDrop(side: .output)
    private let inputDescriptor: FileDescriptor
    private let outputDescriptor: FileDescriptor
    private let inputNocache: Bool
    private let outputNocache: Bool
    private let notrunc: Bool
    /// count=0: GNU advises both files to their end and reports when it cannot.
    private let copiesNothing: Bool
    /// Whether reads can lead to a call (nocache or conv=noerror, on a seekable input) and
    /// whether writes can (nocache, or oflag=direct's short last write).
    let tracksReads: Bool
    let tracksWrites: Bool
    /// A file or block device's offset moves with each write; a memory device's stays 0.
    private let outputOffsetMoves: Bool
    /// Bytes of the output stream replayed so far (writes), and of the records read so far as
    /// they enter the output (one buffer: each record is written as read).
    private var writtenBytes: Int64 = 0
    private var recordBytes: Int64 = 0

    /// nil when nothing in the settings can make GNU drop a cache. `inputOffset` is GNU's
    /// input_offset as the input was opened (lseek's answer; nil: not seekable); skip= moves it
    /// on (`inputAdvanced`).
    init?(_ settings: DDSettings, input: FileDescriptor, inputOffset: Int64?, output: DDEndpoint) {
        inputNocache = settings.inputFlags.contains(.nocache)
        outputNocache = settings.outputFlags.contains(.nocache)
        let noerror = settings.conversions.contains(.noerror)
        guard inputNocache || outputNocache || noerror || settings.outputFlags.contains(.direct) else { return nil }
        notrunc = settings.conversions.contains(.notrunc)
        copiesNothing = settings.copiesNothing
        inputDescriptor = input
        outputDescriptor = output.descriptor
        self.input.inputSeekable = inputOffset != nil
        self.input.inputOffset = inputOffset ?? 0
        // GNU's i_nocache_eof and o_nocache_eof start true for count=0.
        self.input.toEndOfFile = inputNocache && copiesNothing
        self.output.toEndOfFile = outputNocache && copiesNothing
        tracksReads = (inputNocache || noerror) && inputOffset != nil
        tracksWrites = outputNocache || settings.outputFlags.contains(.direct)
        outputOffsetMoves = output.status.kind == .regular || output.status.kind == .blockDevice
    }

    // MARK: GNU's call sites

    /// skip=, or a kernel copy (whose reads GNU would have made, without nocache), moved the
    /// input to `offset` (GNU's advance_input_offset).
    func inputAdvanced(to offset: Int64) {
        if input.inputSeekable { input.inputOffset = offset }
    }

    /// After a read of `bytes` (GNU's advance_input_offset, then invalidate_cache).
    private func noteRead(_ bytes: Int) {
        input.inputOffset += Int64(bytes)
        if inputNocache { adviseInput(Int64(bytes)) }
    }

    /// Makes the call `DDCacheDrop` comes to; returns why it could not, if so.
    @discardableResult
    private func adviseInput(_ length: Int64) -> Errno? {
        Self.perform(input.invalidate(length, position: Self.noPosition), on: inputDescriptor)
    }

    @discardableResult
    private func adviseOutput(_ length: Int64, position: () -> Result<Int64, SystemError>) -> Errno? {
        Self.perform(output.invalidate(length, position: position), on: outputDescriptor)
    }

    private static func perform(_ outcome: DDCacheDrop.Outcome, on descriptor: FileDescriptor) -> Errno? {
        switch outcome {
        case .nothingDue: return nil
        case .advise(let offset, let length):
            descriptor.dropCache(offset: offset, length: length)
            return nil
        case .offsetUnknown(let error): return error
        }
    }

    /// A read error conv=noerror skips: GNU advises the bad portion whatever the flags ("so that
    /// correct offsets are maintained"), then moves the input past it.
    private func noteFailedRead(badPortion: Int, seekableAfter: Bool) {
        adviseInput(Int64(badPortion))
        if input.inputSeekable { input.inputOffset += Int64(badPortion) }
        if !seekableAfter { input.inputSeekable = false }
    }

    /// The input ended with a read of 0 bytes (not count=, not a read error).
    func noteEndOfInput() {
        input.toEndOfFile = input.toEndOfFile || inputNocache
        output.toEndOfFile = output.toEndOfFile || (outputNocache && !notrunc)
    }

    /// GNU's end of main: to the end of the file after count=0 (returning what could not be
    /// done: GNU reports it, even with status=none, and exits 1), otherwise the pending rest or
    /// to the end of the file as the copy earned it.
    func finish() -> [(side: DDCacheDrop.Side, error: Errno)] {
        var failures: [(side: DDCacheDrop.Side, error: Errno)] = []
        let descriptor = outputDescriptor
        let position = { Self.currentPosition(of: descriptor) }
        if copiesNothing {
            if inputNocache, let error = adviseInput(0) { failures.append((.input, error)) }
            if outputNocache, let error = adviseOutput(0, position: position) { failures.append((.output, error)) }
        } else {
            if inputNocache || input.toEndOfFile { adviseInput(0) }
            if outputNocache || output.toEndOfFile { adviseOutput(0, position: position) }
        }
        return failures
    }

    // MARK: Replaying a chunk

    /// Replays one chunk in GNU's order: each read, then the writes a serial dd made before its
    /// next read. `outputAfterRecords` (two buffers) is the output stream's length once each
    /// record was converted, from `DDConverter` (records missing: not reached before a failed
    /// write); with one buffer each record is written as read. After a failed write GNU reads
    /// nothing after the read that led to it.
    func replay(_ notes: DDChunkNotes, outputAfterRecords: [Int64]?, writes: DDWriteLog) {
        let failedRecordEnd = writes.failedRecordEnd.map { writtenBytes + $0 }
        var cursor = WriteCursor(writes, start: writtenBytes, positionMoves: outputOffsetMoves, descriptor: outputDescriptor)
        var units = notes.units.runs.makeIterator()
        var unitRun: DDRecordRuns.Run?
        var unitsLeft = 0
        var markIndex = 0
        // The output once the next record has gone in: one buffer, its length; two, the converter's count.
        func outputAfterNextRecord() -> Int64 {
            if let outputAfterRecords {
                defer { markIndex += 1 }
                return markIndex < outputAfterRecords.count ? outputAfterRecords[markIndex] : .max
            }
            if unitsLeft == 0 {
                unitRun = units.next()
                unitsLeft = unitRun?.repeatCount ?? 0
            }
            unitsLeft -= 1
            recordBytes += Int64(unitRun?.length ?? 0)
            return recordBytes
        }
        func afterRecord() -> Bool {
            let produced = outputAfterNextRecord()
            if tracksWrites { cursor.replay(upTo: produced, into: self) }
            if let failedRecordEnd { return produced >= failedRecordEnd }
            return false
        }
        entries: for entry in notes.reads.entries {
            switch entry {
            case .reads(let bytes, let count):
                for _ in 0..<count {
                    noteRead(bytes)
                    if afterRecord() { break entries }
                }
            case .failedRead(let badPortion, let standsInRecord, let seekableAfter):
                noteFailedRead(badPortion: badPortion, seekableAfter: seekableAfter)
                if standsInRecord && afterRecord() { break entries }
            }
        }
        // Writes after the last read: a record cut short by a failure, or the converter's last.
        if tracksWrites { cursor.replay(upTo: .max, into: self) }
        writtenBytes = cursor.position
    }

    /// Writes made after the input ended (the converter's last blocks), and O_DIRECT's drop.
    func replay(writes: DDWriteLog) {
        replay(DDChunkNotes(), outputAfterRecords: [], writes: writes)
    }

    fileprivate func noteWrite(_ bytes: Int, position: () -> Result<Int64, SystemError>) {
        if outputNocache { adviseOutput(Int64(bytes), position: position) }
    }

    fileprivate func noteDirectDropped(position: () -> Result<Int64, SystemError>) {
        output.toEndOfFile = true
        adviseOutput(0, position: position)
    }

    /// The input's offset is GNU's own count, never lseek's.
    private static func noPosition() -> Result<Int64, SystemError> { .failure(SystemError("lseek", code: .illegalSeek)) }

    fileprivate static func currentPosition(of descriptor: FileDescriptor) -> Result<Int64, SystemError> {
        do throws(SystemError) {
            return .success(try descriptor.seek(offset: 0, from: .current))
        } catch {
            return .failure(error)
        }
    }
}

/// Walks a write log in stream order and says, for each write, where lseek would have put the
/// output right after it in a serial dd: the offset now (asked once), less the bytes written
/// since — unless the offset does not move with writes (/dev/null stays at 0).
private struct WriteCursor {
    private let events: [DDWriteLog.Event]
    private var index = 0
    private var left = 0
    /// Output stream position after the writes replayed so far; `end` after all of them.
    private(set) var position: Int64
    private let end: Int64
    private let positionMoves: Bool
    private let descriptor: FileDescriptor
    private var offsetNow: Result<Int64, SystemError>?

    init(_ log: DDWriteLog, start: Int64, positionMoves: Bool, descriptor: FileDescriptor) {
        events = log.events
        position = start
        end = start + log.totalBytes
        self.positionMoves = positionMoves
        self.descriptor = descriptor
    }

    private mutating func fileOffset(atStream streamPosition: Int64) -> Result<Int64, SystemError> {
        if offsetNow == nil { offsetNow = DDCacheAdvisor.currentPosition(of: descriptor) }
        guard positionMoves, case .success(let now)? = offsetNow else { return offsetNow! }
        return .success(now - (end - streamPosition))
    }

    /// Replays every write that ends at or before `limit` in the output stream.
    mutating func replay(upTo limit: Int64, into advisor: DDCacheAdvisor) {
        while index < events.count {
            switch events[index] {
            case .directDropped:
                // It comes with the short write after it, made during the read that produced
                // that record: not with the read whose output ends where the drop stands.
                guard position < limit else { return }
                let at = position
                advisor.noteDirectDropped { fileOffset(atStream: at) }
                index += 1
            case .writes(let bytes, let count):
                if left == 0 { left = count }
                guard position + Int64(bytes) <= limit else { return }
                position += Int64(bytes)
                let at = position
                advisor.noteWrite(bytes) { fileOffset(atStream: at) }
                left -= 1
                if left == 0 { index += 1 }
            }
        }
    }
}
