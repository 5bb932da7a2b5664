import ArgumentParser
import SwddImage
import SwddSystem

/// The image options `image` and `backup` share, checked: a bad value is one line naming it
/// and exit 2 (usage).
enum ImageSettings {
    static func options(level: Int32, store: Bool, chunk: String, hash: String, threads: Int?) throws -> ImageOptions {
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
        return options
    }
}
