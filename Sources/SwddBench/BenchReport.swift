/// A finished bench as text: the table people read and the JSON scripts parse. Pure functions
/// of a `BenchRun`; MB/s are decimal megabytes (10^6 bytes) per second, as fio's `MB/s` and
/// dd's summary print them.
public enum BenchReport {
    // MARK: - Table

    /// The whole table at once: what `TableWriter`'s head, rows and tail print one by one.
    public static func table(_ run: BenchRun) -> String {
        let layout = TableLayout(tests: run.results.map(\.test))
        return tableHead(target: run.target, timeLimit: run.timeLimit, writesLeftOut: run.writesLeftOut, layout: layout)
            + run.results.map { tableRow($0, layout: layout) }.joined()
            + tableTail(run, interruptedBy: nil)
    }

    /// Column widths fixed before the first test, so each row can be printed as it finishes:
    /// the names from the planned tests, the numbers wide enough for any rate this machine
    /// class reaches (a wider value still prints, one column further right).
    public struct TableLayout: Sendable, Equatable {
        var widths: [Int]
        static let header = ["test", "I/O", "block", "depth", "MB/s", "IOPS", "seconds"]
        static let leftAligned: Set<Int> = [0, 1]

        public init(tests: [BenchTest]) {
            widths = Self.header.map(\.count)
            for test in tests {
                let cells = [test.pattern.rawValue, test.io.rawValue, ByteCount.blockSize(test.blockSize), String(test.depth)]
                for (column, cell) in cells.enumerated() { widths[column] = max(widths[column], cell.count) }
            }
            // 99999.9 MB/s, 9999999 IOPS, 3600.000 s at most (BenchPlan's limit).
            widths[4] = max(widths[4], 7)
            widths[5] = max(widths[5], 7)
            widths[6] = max(widths[6], 8)
        }

        /// Left-aligned names, right-aligned numbers, two spaces between columns.
        func render(_ cells: [String], note: String? = nil) -> String {
            var parts: [String] = []
            for (column, cell) in cells.enumerated() {
                if note != nil && column >= 4 { break }
                let pad = String(repeating: " ", count: max(0, widths[column] - cell.count))
                parts.append(Self.leftAligned.contains(column) ? cell + pad : pad + cell)
            }
            if let note { parts.append(note) }
            var line = parts.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// What the bench is about to measure, and the column header: printed before the first test.
    public static func tableHead(target: BenchTargetFacts, timeLimit: UInt64, writesLeftOut: Bool, layout: TableLayout) -> String {
        var lines: [String] = []
        lines.append("swdd bench: \(describe(target)), up to \(seconds(timeLimit, decimals: 1)) s per test")
        lines.append("Each test stops at its time limit or after one pass over the region; writes end with fdatasync.")
        if writesLeftOut {
            lines.append("Write tests left out: pass --write to run them (they destroy the data on \(target.path)).")
        }
        lines.append("")
        lines.append(layout.render(TableLayout.header))
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row, as soon as its test is done.
    public static func tableRow(_ result: BenchResult, layout: TableLayout) -> String {
        let test = result.test
        let row = [test.pattern.rawValue, test.io.rawValue, ByteCount.blockSize(test.blockSize), String(test.depth)]
        switch result.outcome {
        case .measured(let m):
            return layout.render(row + [megabytes(m.bytesPerSecond), fixed(result.iops ?? 0, decimals: 0), seconds(m.nanoseconds, decimals: 3)]) + "\n"
        case .skipped(let reason):
            return layout.render(row, note: "skipped: " + reason) + "\n"
        }
    }

    /// After the rows: whether reads were cold, and the recommendation; or, when a signal cut
    /// the run short (`interruptedBy`, e.g. `SIGINT`), a line saying so in its place, since a
    /// recommendation from some of the rows would name the fastest of what happened to run.
    public static func tableTail(_ run: BenchRun, interruptedBy signal: String?, plannedTests: Int? = nil) -> String {
        var lines = [""]
        if let signal {
            let planned = plannedTests.map { " of \($0)" } ?? ""
            lines.append("Cut short by \(signal): \(run.results.count)\(planned) tests ran; no recommendation.")
        }
        lines.append(cacheSentence(run.cache, target: run.target))
        if signal == nil {
            lines.append("")
            lines += recommendationLines(run.recommendation, target: run.target.path)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func describe(_ target: BenchTargetFacts) -> String {
        let region = "region \(ByteCount.human(target.regionSize))"
        switch target.kind {
        case .blockDevice:
            let size = target.deviceSize.map { ByteCount.human($0) + ", " } ?? ""
            let loop = target.backingFile.map { ", loop device on \($0)" } ?? ""
            return "\(target.path) (block device, \(size)\(target.sectorSize)-byte sectors\(loop)), \(region)"
        case .file where target.writePath == target.readPath:
            return "\(target.path) (file; read and written in place), \(region)"
        case .file:
            return "\(target.path) (file; read in place, written on temporary file \(target.writePath)), \(region)"
        case .directory:
            return "\(target.path) (directory; measured on temporary file \(target.readPath)), \(region)"
        }
    }

    static func cacheSentence(_ cache: CacheDrop, target: BenchTargetFacts) -> String {
        if let memory = cache.memoryFileSystem {
            return "Reads come from memory: the data lives on \(memory), which keeps files in RAM, so no read here is cold."
        }
        let steps = cache.steps.joined(separator: ", ")
        if let warning = cache.warning {
            return "Reads may be partly warm: \(warning); the page cache was dropped before each test with \(steps) only."
        }
        return "Reads are cold: the region is dropped from the page cache before each test (\(steps))."
    }

    static func recommendationLines(_ recommendation: Recommendation, target: String) -> [String] {
        guard recommendation.read != nil || recommendation.write != nil else {
            return ["No recommendation: no sequential test at queue depth 1 was measured."]
        }
        var lines = ["Fastest for dd mode (sequential, queue depth 1):"]
        var entries: [(String, String, Double)] = []
        if let read = recommendation.read {
            entries.append(("reading \(target):", Recommendation.readOperands(read), read.bytesPerSecond))
        }
        if let write = recommendation.write {
            entries.append(("writing \(target):", Recommendation.writeOperands(write), write.bytesPerSecond))
        }
        let labelWidth = entries.map(\.0.count).max() ?? 0
        let operandWidth = entries.map(\.1.count).max() ?? 0
        for (label, operands, rate) in entries {
            let labelPad = String(repeating: " ", count: labelWidth - label.count)
            let operandPad = String(repeating: " ", count: operandWidth - operands.count)
            lines.append("  \(label)\(labelPad)  \(operands)\(operandPad)  (\(megabytes(rate)) MB/s)")
        }
        return lines
    }

    // MARK: - JSON

    /// The JSON document; `interruptedBy` names the signal that cut the run short (null when
    /// every test ran), and the recommendation is then null.
    public static func json(_ run: BenchRun, interruptedBy signal: String? = nil) -> String {
        let target = run.target
        let targetObject = JSONText.object([
            ("path", .string(target.path)),
            ("kind", .string(target.kind.rawValue)),
            ("read_path", .string(target.readPath)),
            ("write_path", .string(target.writePath)),
            ("region_bytes", .integer(target.regionSize)),
            ("device_bytes", target.deviceSize.map { .integer($0) } ?? .null),
            ("sector_size", .integer(Int64(target.sectorSize))),
            ("backing_file", target.backingFile.map { .string($0) } ?? .null),
        ])
        let cache = JSONText.object([
            ("posix_fadvise_dontneed", .bool(true)),
            ("blkflsbuf", .bool(run.cache.deviceBuffers)),
            ("backing_file", run.cache.backingFile.map { .string($0) } ?? .null),
            ("in_memory", run.cache.memoryFileSystem.map { .string($0) } ?? .null),
            ("warning", run.cache.warning.map { .string($0) } ?? .null),
        ])
        let results = run.results.map { result -> JSONText in
            let test = result.test
            var members: [(String, JSONText)] = [
                ("test", .string(test.pattern.rawValue)),
                ("io", .string(test.io.rawValue)),
                ("block_size", .integer(Int64(test.blockSize))),
                ("depth", .integer(Int64(test.depth))),
            ]
            switch result.outcome {
            case .measured(let m):
                members += [
                    ("bytes", .integer(m.bytes)),
                    ("nanoseconds", .integer(Int64(clamping: m.nanoseconds))),
                    ("bytes_per_second", .integer(rounded(m.bytesPerSecond))),
                    ("iops", .integer(rounded(result.iops ?? 0))),
                    ("ended_by", .string(m.coveredRegion ? "region" : "time")),
                ]
            case .skipped(let reason):
                members.append(("skipped", .string(reason)))
            }
            return .object(members)
        }
        let recommendation = signal == nil ? run.recommendation : Recommendation([])
        func choice(_ choice: Recommendation.Choice?, operands: (Recommendation.Choice) -> String) -> JSONText {
            guard let choice else { return .null }
            return .object([
                ("block_size", .integer(Int64(choice.blockSize))),
                ("direct", .bool(choice.direct)),
                ("bytes_per_second", .integer(rounded(choice.bytesPerSecond))),
                ("dd_operands", .string(operands(choice))),
            ])
        }
        let document = JSONText.object([
            ("target", targetObject),
            ("time_limit_ns", .integer(Int64(clamping: run.timeLimit))),
            ("cache", cache),
            ("writes_left_out", .bool(run.writesLeftOut)),
            ("interrupted_by", signal.map { .string($0) } ?? .null),
            ("results", .array(results)),
            ("recommendation", .object([
                ("read", choice(recommendation.read, operands: Recommendation.readOperands)),
                ("write", choice(recommendation.write, operands: Recommendation.writeOperands)),
            ])),
        ])
        return document.rendered()
    }

    // MARK: - Numbers, without Foundation's formatters

    /// Bytes per second as decimal MB/s with one decimal: `1520.3`.
    public static func megabytes(_ bytesPerSecond: Double) -> String {
        fixed(bytesPerSecond / 1e6, decimals: 1)
    }

    static func seconds(_ nanoseconds: UInt64, decimals: Int) -> String {
        fixed(Double(nanoseconds) / 1e9, decimals: decimals)
    }

    /// `value` rounded half away from zero to `decimals` places, C locale (`12.5`, `0.250`).
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return value.isFinite ? String(rounded(value)) : "0" }
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(value) * Double(scale)).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(scaled) }
        let fraction = String(scaled % scale)
        return sign + String(scaled / scale) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    static func rounded(_ value: Double) -> Int64 {
        guard value.isFinite else { return 0 }
        return Int64(clamping: Int64(exactly: value.rounded()) ?? (value > 0 ? Int64.max : Int64.min))
    }
}
