/// A finished bench as text: the table people read and the JSON scripts parse. Pure functions
/// of a `BenchRun`; MB/s are decimal megabytes (10^6 bytes) per second, as fio's `MB/s` and
/// dd's summary print them.
public enum BenchReport {
    // MARK: - Table

    public static func table(_ run: BenchRun) -> String {
        var lines: [String] = []
        lines.append("swdd bench: \(describe(run.target)), up to \(seconds(run.timeLimit, decimals: 1)) s per test")
        lines.append(cacheSentence(run.cache, target: run.target))
        lines.append("Each test stops at its time limit or after one pass over the region; writes end with fdatasync.")
        if run.writesLeftOut {
            lines.append("Write tests left out: pass --write to run them (they destroy the data on \(run.target.path)).")
        }
        lines.append("")

        let header = ["test", "I/O", "block", "depth", "MB/s", "IOPS", "seconds"]
        var rows: [[String]] = []
        var notes: [Int: String] = [:]
        for (index, result) in run.results.enumerated() {
            let test = result.test
            var row = [test.pattern.rawValue, test.io.rawValue, ByteCount.blockSize(test.blockSize), String(test.depth)]
            switch result.outcome {
            case .measured(let m):
                row += [megabytes(m.bytesPerSecond), fixed(result.iops ?? 0, decimals: 0), seconds(m.nanoseconds, decimals: 3)]
            case .skipped(let reason):
                row += ["", "", ""]
                notes[index] = "skipped: " + reason
            }
            rows.append(row)
        }
        // Left-aligned names, right-aligned numbers, two spaces between columns.
        let leftAligned: Set<Int> = [0, 1]
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() {
                widths[column] = max(widths[column], cell.count)
            }
        }
        func render(_ cells: [String], note: String? = nil) -> String {
            var parts: [String] = []
            for (column, cell) in cells.enumerated() {
                if note != nil && column >= 4 { break }
                let pad = String(repeating: " ", count: max(0, widths[column] - cell.count))
                parts.append(leftAligned.contains(column) ? cell + pad : pad + cell)
            }
            if let note { parts.append(note) }
            var line = parts.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
        lines.append(render(header))
        for (index, row) in rows.enumerated() {
            lines.append(render(row, note: notes[index]))
        }

        lines.append("")
        lines += recommendationLines(run.recommendation, target: run.target.path)
        return lines.joined(separator: "\n") + "\n"
    }

    static func describe(_ target: BenchTargetFacts) -> String {
        let region = "region \(ByteCount.human(target.regionSize))"
        switch target.kind {
        case .blockDevice:
            let size = target.deviceSize.map { ByteCount.human($0) + ", " } ?? ""
            let loop = target.backingFile.map { ", loop device on \($0)" } ?? ""
            return "\(target.path) (block device, \(size)\(target.sectorSize)-byte sectors\(loop)), \(region)"
        case .file:
            return "\(target.path) (file; measured on temporary file \(target.benchPath)), \(region)"
        case .directory:
            return "\(target.path) (directory; measured on temporary file \(target.benchPath)), \(region)"
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

    public static func json(_ run: BenchRun) -> String {
        let target = run.target
        let targetObject = JSONText.object([
            ("path", .string(target.path)),
            ("kind", .string(target.kind.rawValue)),
            ("bench_path", .string(target.benchPath)),
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
        let recommendation = run.recommendation
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
