import Testing
import SwddRemote

/// `s3://bucket/prefix` and `rclone:REMOTE:path` as the user writes them, and as rclone takes them.
@Suite struct ObjectLocationTests {
    @Test func s3LocationsNameABucketAndAPrefix() throws {
        let location = try ObjectLocation.parse("s3://my-backups/host1/disks/")
        #expect(location.service == .s3(bucket: "my-backups"))
        #expect(location.path == "host1/disks")
        #expect(location.description == "s3://my-backups/host1/disks")
        #expect(location.rclonePath == "swdds3:my-backups/host1/disks")
        #expect(location.appending("images/x").rclonePath == "swdds3:my-backups/host1/disks/images/x")
        let bare = try ObjectLocation.parse("s3://bkt")
        #expect(bare.path == "" && bare.appending("swdd-repository").rclonePath == "swdds3:bkt/swdd-repository")
        let (directory, name) = try ObjectLocation.parse("s3://bkt/a/b.img.zst").directoryAndName
        #expect(directory.description == "s3://bkt/a" && name == "b.img.zst")
    }

    @Test func badBucketNamesAreRefused() {
        for text in ["s3://", "s3://ab", "s3://Upper/x", "s3://under_score", "s3://-dash", "s3://dot.", "s3://" + String(repeating: "a", count: 64)] {
            #expect(throws: ObjectLocation.Invalid.self, "\(text)") { try ObjectLocation.parse(text) }
        }
    }

    @Test func rcloneLocationsKeepTheRemoteAsRcloneSpellsIt() throws {
        let named = try ObjectLocation.parse("rclone:gdrive:backups/host1")
        #expect(named.service == .rclone(remote: "gdrive:"))
        #expect(named.rclonePath == "gdrive:backups/host1")
        #expect(named.appending("locks").rclonePath == "gdrive:backups/host1/locks")
        let onTheFly = try ObjectLocation.parse("rclone::local:/srv/repo")
        #expect(onTheFly.service == .rclone(remote: ":local:"))
        #expect(onTheFly.appending("images").rclonePath == ":local:/srv/repo/images")
        #expect(try ObjectLocation.parse("rclone:b2:").appending("x").rclonePath == "b2:x")
        for text in ["rclone:nocolon", "rclone::", "rclone::local", "rclone:-opt:x", "rclone:a b:x", "rclone:x:\n"] {
            #expect(throws: ObjectLocation.Invalid.self, "\(text)") { try ObjectLocation.parse(text) }
        }
    }
}
