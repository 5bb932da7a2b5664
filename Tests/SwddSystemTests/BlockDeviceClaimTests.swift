import Foundation
import Testing
import SwddTestSupport
#if canImport(Glibc)
import Glibc
#endif
@testable import SwddSystem

@Suite struct BlockDeviceClaimTests {

    @Test func aClaimedDeviceIsBusyForTheNextClaimUntilReleased() throws {
        guard getuid() == 0 else {
            print("SKIPPED aClaimedDeviceIsBusyForTheNextClaimUntilReleased: needs root for losetup")
            return
        }
        let image = "/var/tmp/swdd-claim-\(getpid())"
        defer { unlink(image) }
        guard let loop = Shell.output("truncate -s 1M '\(image)' && losetup -f --show '\(image)'") else {
            print("SKIPPED aClaimedDeviceIsBusyForTheNextClaimUntilReleased: losetup -f --show failed")
            return
        }
        defer { _ = Shell.output("losetup -d '\(loop)'") }

        guard case .claimed(let claim) = BlockDeviceClaim.claim(loop) else {
            Issue.record("a free loop device could not be claimed")
            return
        }
        guard case .busy = BlockDeviceClaim.claim(loop) else {
            Issue.record("a second claim was not refused with EBUSY")
            claim.release()
            return
        }
        // A claim keeps out other claims and mounts, not the claimant's own plain open.
        let writer = try FileDescriptor.open(loop, flags: [.writeOnly, .closeOnExec])
        try writer.close()
        claim.release()
        // Another test's fork in this process may share the descriptor until its exec closes it
        // (close-on-exec), which keeps the claim alive for that moment: allow it a second.
        for _ in 0..<50 {
            if case .claimed(let again) = BlockDeviceClaim.claim(loop) {
                again.release()
                return
            }
            usleep(20_000)
        }
        Issue.record("the device stayed busy after the claim was released")
    }

    @Test func anythingButABlockDeviceIsNotClaimed() throws {
        let path = "/var/tmp/swdd-claim-file-\(getpid())"
        let file = try FileDescriptor.open(path, flags: [.writeOnly, .create, .truncate])
        try file.close()
        defer { unlink(path) }
        guard case .failed(let error) = BlockDeviceClaim.claim(path) else {
            Issue.record("a regular file was claimed")
            return
        }
        #expect(error == SystemError("open", path: path, code: .notBlockDevice))
        guard case .failed(let missing) = BlockDeviceClaim.claim(path + ".missing") else {
            Issue.record("a missing path was claimed")
            return
        }
        #expect(missing.code == .noSuchFileOrDirectory)
    }
}
