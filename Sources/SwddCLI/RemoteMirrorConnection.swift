import ArgumentParser
import SwddBackup
import SwddRemote
import SwddSystem

/// The peer of a mirror with an ssh:// side: `swdd __mirror-peer` started on that machine through
/// the run's ssh master (`--ssh` honoured), its hello checked. The remote command is
/// `command -v PATH || exit 127; exec PATH __mirror-peer 2>&1`, PATH one quoted word: a missing
/// swdd is told apart from a dead connection (255) and from a program that answers otherwise
/// (its first words are shown), and nothing is opened there before the protocol matched.
struct RemoteMirrorConnection {
    let location: RemoteLocation
    let session: SshSession
    let peer: ChildProcess
    let channel: RemoteMirrorChannel
    /// The swdd run there, as the user named it (`--remote-swdd`, default `swdd`).
    let program: String

    /// How long the peer has to say hello: its start, not the mirror's length.
    static let helloTimeoutSeconds = 30

    /// Connects and starts the peer, or prints the one line and exits (2 for a malformed
    /// location or option, 1 otherwise). Nothing is written anywhere before it returns.
    static func start(_ text: String, ssh: String?, program: String) throws -> RemoteMirrorConnection {
        guard !program.isEmpty, !program.hasPrefix("-") else {
            ImageCommandSupport.complain("invalid --remote-swdd '\(program)': give swdd's path or name on the remote machine")
            throw ExitCode(2)
        }
        let (files, _) = try ImageCommandSupport.remoteFiles(text, ssh: ssh)
        let session = files.session
        let host = session.location.destination
        let word = ShellQuoting.quote(program)
        let peer: ChildProcess
        do {
            peer = try session.start("command -v \(word) > /dev/null 2>&1 || exit 127; exec \(word) \(RemoteMirrorPeer.entryPoint) 2>&1")
        } catch {
            session.close()
            ImageCommandSupport.complain("cannot reach '\(text)': \(ImageCommandSupport.reason(error))")
            throw ExitCode(ImageCommandSupport.failed)
        }
        let connection = RemoteMirrorConnection(location: session.location, session: session, peer: peer,
                                                channel: RemoteMirrorChannel(input: peer.output, output: peer.input), program: program)
        if let problem = connection.hello() {
            connection.close()
            ImageCommandSupport.complain("cannot mirror with '\(text)': \(problem.replacing("HOST", with: host))")
            throw ExitCode(ImageCommandSupport.failed)
        }
        return connection
    }

    /// Nil once the peer said hello in this protocol; else what went wrong, HOST standing for the host.
    private func hello() -> String? {
        let missing = "no swdd at '\(program)' on HOST: a mirror over ssh needs swdd on both machines (as rsync needs rsync "
            + "on both ends); install swdd \(SwddVersion.string) there, or name its path with --remote-swdd PATH"
        let deadline = MonotonicClock.now() + UInt64(Self.helloTimeoutSeconds) * 1_000_000_000
        while !peer.outputIsReadable {
            if MonotonicClock.now() > deadline { return "'\(program)' on HOST did not answer within \(Self.helloTimeoutSeconds) s" }
            MonotonicClock.sleep(nanoseconds: 10_000_000)
        }
        do {
            switch try channel.receive() {
            case .hello(let version, let swdd):
                guard version == RemoteMirrorMessage.protocolVersion else {
                    return "'\(program)' on HOST is swdd \(swdd), which speaks mirror protocol \(version), this swdd \(SwddVersion.string) "
                        + "protocol \(RemoteMirrorMessage.protocolVersion); install the same version on both machines"
                }
                return nil
            case nil:
                peer.closeInput()
                let status = peer.exitStatus()
                return switch status {
                case 127: missing
                case 255: "the ssh connection to HOST failed"
                default: "'\(program)' on HOST exited with status \(status) without answering: it is not swdd, or one without mirror over ssh; install swdd \(SwddVersion.string) there"
                }
            case .some:
                return "'\(program)' on HOST spoke out of turn: it is not swdd \(SwddVersion.string)'s mirror peer"
            }
        } catch RemoteMirrorError.notAPeer(let said) {
            return "'\(program)' on HOST is not swdd, or one without mirror over ssh (it said: '\(said)'); install swdd \(SwddVersion.string) there, "
                + "or name its path with --remote-swdd PATH"
        } catch {
            return "the connection to HOST ended before '\(program)' answered"
        }
    }

    /// The peer's answer to `open`: its side's size, sector size and kind, or its one-line refusal.
    func ready() throws -> (size: Int64, logicalSectorSize: Int, isRegularFile: Bool) {
        switch try channel.receive() {
        case .ready(let size, let sector, let isRegular): return (size, sector, isRegular)
        case .failure(let status, let message): throw RemoteMirrorError.remoteFailed(message, status: status)
        case nil: throw RemoteMirrorError.connectionEnded
        case .some(let other): throw RemoteMirrorError.unexpected("'\(other)'")
        }
    }

    /// `ssh://host/path`'s path for the peer.
    var path: RemoteMirrorPath { RemoteMirrorPath(inHome: location.path.inHome, relative: location.path.relative) }

    /// Ends the master connection (and with it the peer, whatever it was doing), then waits
    /// for the local ssh client.
    func close() {
        session.close()
        peer.closeInput()
        _ = peer.exitStatus()
    }
}
