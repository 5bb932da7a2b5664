/// `status=`: what dd prints to standard error. GNU orders them, and so do we.
public enum DDStatusLevel: Int, Sendable, Comparable, CaseIterable {
    /// `status=none`: only error messages (the 0x and append warnings are still printed).
    case none = 1
    /// `status=noxfer`: the record lines, not the bytes/time/rate line.
    case noxfer = 2
    /// No `status=`: the full summary at the end.
    case `default` = 3
    /// `status=progress`: a progress line about once a second, then the full summary.
    case progress = 4

    public static func < (lhs: DDStatusLevel, rhs: DDStatusLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// GNU's `statuses[]`; there is no `default` symbol.
    static let symbols: [(String, DDStatusLevel)] = [
        ("none", .none),
        ("noxfer", .noxfer),
        ("progress", .progress),
    ]
}
