/// GNU's one-time `warning: partial read (N bytes); suggest iflag=fullblock`: printed when a
/// read returns data and the read before it was short, once per run. Skip-by-reading and the
/// copy share one, because GNU's `iread` remembers the previous read across both.
final class DDPartialReadWarning {
    private var armed: Bool
    private var previousRead = 0
    private let reporter: DDReporter

    init(enabled: Bool, reporter: DDReporter) {
        self.armed = enabled
        self.reporter = reporter
    }

    /// Notes a read of `count` bytes out of `requested`, warning about the previous one if due.
    func noteRead(_ count: Int, requested: Int) {
        defer { previousRead = count }
        guard armed, count > 0, 0 < previousRead, previousRead < requested else { return }
        if reporter.status != .none { reporter.diagnose(DDMessages.partialRead(bytes: previousRead)) }
        armed = false
    }

    /// Notes a failed read: GNU remembers it as -1, so the read after it warns about nothing.
    func noteFailedRead() { previousRead = -1 }

    /// The previous read's size, which O_DIRECT's end-of-file EINVAL rule looks at.
    var lastRead: Int { previousRead }
}
