import ArgumentParser
import SwddImage
import SwddSystem

/// How frames are encoded: the options `image` and `backup` share, checked in one place (a bad
/// value is one line naming it and exit 2).
struct EncodingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("zstd level (negative: zstd's fast levels).", valueName: "N"))
    var level: Int32 = 1

    @Flag(help: "Store frames uncompressed (raw zstd blocks).")
    var store = false

    @Option(help: ArgumentHelp("Bytes per frame: 1M, 2M, 3M or 4M (a backup's incrementals keep their chain's).", valueName: "size"))
    var chunk = "1M"

    @Option(help: ArgumentHelp("Compression threads (default: the cores).", valueName: "N"))
    var threads: Int?

    @Option(help: ArgumentHelp("Block digest: xxh3-128 or sha256 (a backup's incrementals keep their chain's).", valueName: "algorithm"))
    var hash = BlockHashAlgorithm.xxh3_128.name

    @Option(help: ArgumentHelp("Encrypt every frame and the metadata (AES-256-GCM) with a key derived from KEYFILE (32 bytes or more; keep it apart from the images: readers need it as --key).", valueName: "keyfile"))
    var encrypt: String?

    func imageOptions() throws -> ImageOptions {
        let support = ImageCommandSupport.self
        guard let chunkSize = ByteSize.parse(chunk), chunkSize >= 1 << 20, chunkSize <= 4 << 20, chunkSize % (1 << 20) == 0 else {
            support.complain("invalid chunk size '\(chunk)': expected 1M, 2M, 3M or 4M")
            throw ExitCode(2)
        }
        guard let algorithm = BlockHashAlgorithm(name: hash) else {
            support.complain("invalid block digest '\(hash)': expected xxh3-128 or sha256")
            throw ExitCode(2)
        }
        guard (-7...22).contains(level) else {
            support.complain("invalid level \(level): expected -7 to 22")
            throw ExitCode(2)
        }
        if let threads, threads < 1 {
            support.complain("invalid thread count \(threads)")
            throw ExitCode(2)
        }
        var options = ImageOptions()
        options.level = level
        options.store = store
        options.chunkSize = chunkSize
        options.hash = algorithm
        options.threads = threads ?? ProcessorCount.online
        options.encryption = try KeyFile.load(encrypt, option: "--encrypt")
        return options
    }
}

/// `--freeze` and its bound, for the commands that read a source whose filesystem may be mounted.
struct FreezeOptions: ParsableArguments {
    @Flag(help: "Freeze the filesystem mounted from SOURCE (FIFREEZE) while its blocks are read, so the image is consistent.")
    var freeze = false

    @Option(name: .customLong("freeze-timeout"),
            help: ArgumentHelp("Longest freeze; past it the filesystem is thawed and the run fails.", valueName: "seconds"))
    var timeout = 60

    /// One line and exit 2 for a freeze that cannot be asked for.
    func check(source: String) throws {
        let support = ImageCommandSupport.self
        if freeze && source == "-" {
            support.complain("--freeze needs a device or file whose filesystem it can freeze: standard input cannot be")
            throw ExitCode(2)
        }
        if timeout < 1 {
            support.complain("invalid freeze timeout \(timeout): expected 1 second or more")
            throw ExitCode(2)
        }
    }
}
