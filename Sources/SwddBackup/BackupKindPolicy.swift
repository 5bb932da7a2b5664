import SwddImage

/// Which kind the next backup of a chain is, and its parent, when the user named no kind:
/// the first image is full; then incrementals, with a new full once the chain has `images`
/// images since the last full, or the last full is `days` old.
public struct BackupKindPolicy: Sendable, Equatable {
    public enum FullEvery: Sendable, Equatable {
        case images(Int)
        case days(Int)
    }

    public var fullEvery: FullEvery

    public init(fullEvery: FullEvery = .images(7)) { self.fullEvery = fullEvery }

    /// `7` (images) or `30d` (days); nil for anything else.
    public static func parse(_ text: String) -> FullEvery? {
        if text.hasSuffix("d"), let days = Int(text.dropLast()), days > 0 { return .days(days) }
        if let images = Int(text), images > 0 { return .images(images) }
        return nil
    }

    /// The kind of the next image of a chain whose images (oldest first) are `chain`, made at `now`.
    public func nextKind(after chain: [BackupManifest], now: Int64) -> ImageKind {
        guard let lastFull = chain.lastIndex(where: { $0.kind == .full }) else { return .full }
        switch fullEvery {
        case .images(let count):
            return chain.count - lastFull >= count ? .full : .incremental
        case .days(let days):
            return now - chain[lastFull].created >= Int64(days) * 86_400 ? .full : .incremental
        }
    }

    /// The parent a backup of `kind` takes in `chain` (oldest first): the newest image for an
    /// incremental, the newest full for a differential, none for a full.
    public static func parent(of kind: ImageKind, in chain: [BackupManifest]) -> BackupManifest? {
        switch kind {
        case .full: nil
        case .incremental: chain.last
        case .differential: chain.last(where: { $0.kind == .full })
        }
    }
}
