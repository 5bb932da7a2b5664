import ArgumentParser
import SwddImage

/// `--key KEYFILE`: what the readers (`restore`, `verify`, `mount`, `repo`, `list`) take to open
/// an encrypted image or chain. Writers take the same file as `--encrypt KEYFILE` (`EncodingOptions`).
struct KeyOption: ParsableArguments {
    @Option(name: .customLong("key"), help: ArgumentHelp("The key file an encrypted image or chain was made with (--encrypt); never stored with the images.", valueName: "keyfile"))
    var keyFile: String?

    /// The key, or the one-line refusal and exit 2.
    func key() throws -> ImageKey? { try KeyFile.load(keyFile, option: "--key") }
}

/// A key file named on the command line, loaded once per run.
enum KeyFile {
    /// The key of the file at `path` (nil: none given), or one line naming the file and the
    /// option, and exit 2: a missing, unreadable or too short key file is a mistake in the command.
    static func load(_ path: String?, option: String) throws -> ImageKey? {
        guard let path else { return nil }
        do {
            return try ImageKey.load(path: path)
        } catch let unusable as ImageKey.Unusable {
            ImageCommandSupport.complain("cannot use key file '\(path)' (\(option)): \(unusable.reason)")
        } catch {
            ImageCommandSupport.complain("cannot use key file '\(path)' (\(option)): \(ImageCommandSupport.reason(error))")
        }
        throw ExitCode(2)
    }
}
