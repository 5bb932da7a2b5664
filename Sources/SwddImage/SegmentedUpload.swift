#if canImport(Glibc)
import Glibc
#endif
import SwddRemote
import SwddSystem

/// An image written to object storage as segment objects, `PREFIX/000000`, `000001`, …, each
/// holding whole frames (a segment ends at the first frame boundary past `segmentBytes`); the
/// segments in name order are the image file. Up to `segmentsInFlight` complete at once. Object stores have no rename: the image becomes
/// visible through the manifest written after it, so nothing here needs to be atomic. Each
/// segment streams through its own `rclone rcat`; with a progress record, `PREFIX/progress`
/// is written again after each segment completes, listing the frames of every complete
/// segment, which is where an interrupted upload continues.
public final class SegmentedUpload {
    let rclone: Rclone
    let prefix: String
    private var progress: UploadProgress?
    private var index: Int
    private var current: RcloneProcess?
    private var currentBytes: Int64 = 0

    /// Segments of about this size: large enough that a request's fixed cost is small beside
    /// its transfer, small enough that an interrupted upload loses little. `SWDD_SEGMENT_BYTES`
    /// sets another (the tests cut uploads after a few small segments).
    static let segmentBytes: Int64 = getenv("SWDD_SEGMENT_BYTES").flatMap { Int64(String(cString: $0)) }.map { max(1 << 16, $0) } ?? 64 << 20
    public static let progressName = "progress"

    static func segmentName(_ index: Int) -> String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// A new upload (with `progress`, recorded from its first complete segment on: segments
    /// without a record are an image without a manifest, which the next run removes, as it
    /// would an upload not one segment of which arrived), or with `firstSegment` one continued
    /// after that many complete segments (its record is rewritten at once).
    init(_ rclone: Rclone, prefix: String, progress: UploadProgress?, firstSegment: Int = 0) throws {
        self.rclone = rclone
        self.prefix = prefix
        self.progress = progress
        index = firstSegment
        if let progress, firstSegment > 0 {
            try rclone.write(progress.encoded(), to: prefix + "/" + Self.progressName)
            recorded = true
        }
    }

    /// Whether a progress record has been written (and so must be removed at the end).
    private var recorded = false

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if current == nil {
            current = try rclone.upload(prefix + "/" + Self.segmentName(index))
            currentBytes = 0
        }
        do {
            try current!.child.input.writeAll(bytes)
        } catch {
            // rclone stopped reading: its own reason says why.
            let process = current!
            current = nil
            process.cancel()
            let reason = process.lastError
            throw Rclone.Failure(message: "cannot upload '\(rclone.describe(prefix + "/" + Self.segmentName(index)))': "
                                 + (reason.isEmpty ? error.error.description : reason), status: 1)
        }
        currentBytes += Int64(bytes.count)
    }

    /// A frame has just been written whole: the segment may end here.
    func frameEnded(_ frame: UploadProgress.Frame) throws {
        progress?.frames.append(frame)
        if currentBytes >= Self.segmentBytes { try endSegment() }
    }

    /// A segment whose input has ended while rclone completes its upload, and the frames the
    /// progress record may list once it (and every one before it) is complete.
    private struct Finishing {
        var process: RcloneProcess
        var index: Int
        var framesThrough: Int
    }
    private var finishing: [Finishing] = []

    /// Segments completing at once: the next one is sent while the store takes the last parts
    /// of those before it (waiting for each would stall the image for every segment's tail).
    static let segmentsInFlight = 3

    private func endSegment() throws {
        closeCurrent()
        while finishing.count >= Self.segmentsInFlight { try completeOldest() }
    }

    /// Ends the input of the segment being sent; it is then finishing.
    private func closeCurrent() {
        guard let process = current else { return }
        current = nil
        process.child.closeInput()
        finishing.append(Finishing(process: process, index: index, framesThrough: progress?.frames.count ?? 0))
        index += 1
    }

    /// The progress record being written (one at a time, so a newer one is never overwritten
    /// by an older).
    private var recording: RcloneProcess?

    /// Waits for the oldest segment still completing; then (with `recording`) the record lists
    /// its frames.
    private func completeOldest(recording record: Bool = true) throws {
        let oldest = finishing.removeFirst()
        try oldest.process.finish("cannot upload", prefix + "/" + Self.segmentName(oldest.index), in: rclone)
        if record, var kept = progress {
            kept.frames.removeSubrange(oldest.framesThrough...)
            try finishRecording()
            recording = try rclone.startWrite(kept.encoded(), to: prefix + "/" + Self.progressName)
            recorded = true
        }
    }

    private func finishRecording() throws {
        guard let process = recording else { return }
        recording = nil
        try process.finish("cannot write", prefix + "/" + Self.progressName, in: rclone)
    }

    /// The last segments completed; the progress record, no longer needed, removed.
    func commit() throws {
        closeCurrent()
        while !finishing.isEmpty { try completeOldest(recording: false) }
        try finishRecording()
        if recorded { try rclone.remove(prefix + "/" + Self.progressName) }
    }

    /// Stops without completing the segment being sent (its rclone is killed, so a store that
    /// makes an object visible only once complete never shows it); with a progress record the
    /// complete segments stay for the next run, without one everything is removed.
    func abandon() {
        current?.cancel()
        current = nil
        for segment in finishing { segment.process.cancel() }
        finishing = []
        try? finishRecording()
        if progress == nil { try? rclone.removeAll(prefix) }
    }
}
