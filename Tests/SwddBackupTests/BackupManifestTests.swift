#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SwddBackup
import SwddImage
import SwddSystem

/// Retention buckets and times without a zone are local time: every test that depends on the
/// zone sets TZ, so they run one at a time.
@Suite(.serialized) struct BackupPolicyTests {
    /// glibc reads TZ again only when told (`tzset`); a command reads it once, at its start.
    static func useZone(_ zone: String) {
        setenv("TZ", zone, 1)
        tzset()
    }

    @Suite struct BackupManifestTests {
        static func sample(kind: ImageKind = .incremental, created: Int64 = 1_790_000_000) -> BackupManifest {
            BackupManifest(id: Array(repeating: 0xAB, count: 16), chain: "sda1", kind: kind,
                           parent: kind == .full ? nil : Array(repeating: 0x01, count: 16), created: created,
                           source: SourceIdentity(path: "/dev/odd path\nwith %0A", type: "ext4", uuid: "1234-5678", label: "root fs"),
                           sourceSize: 1 << 30, sectorSize: 4096, blockSize: 1 << 20, imageBytes: 12345, storedBlocks: 3,
                           inheritedBlocks: 1000, zeroBlocks: 21)
        }

        @Test func roundTripsEveryFieldEvenAwkwardPaths() throws {
            for kind in ImageKind.allCases {
                let manifest = Self.sample(kind: kind)
                #expect(try BackupManifest.decode(manifest.encoded()) == manifest)
            }
        }

        @Test func aChangedOrCutManifestIsRefused() {
            var bytes = Self.sample().encoded()
            bytes[20] ^= 1
            #expect(throws: BackupManifest.Invalid.self) { try BackupManifest.decode(bytes) }
            let cut = Array(Self.sample().encoded().dropLast(30))
            #expect(throws: BackupManifest.Invalid.self) { try BackupManifest.decode(cut) }
        }
    }

    @Suite struct RetentionPolicyTests {
        /// Images at 10:00 UTC (and a second one at 18:00 on some days) across a month boundary.
        static func images(_ times: [(Int, Int, Int, Int)]) -> [BackupManifest] {
            times.enumerated().map { index, t in
                var m = BackupPolicyTests.BackupManifestTests.sample(kind: .full, created: PointInTime.utcSeconds(year: t.0, month: t.1, day: t.2) + Int64(t.3 * 3600))
                m.id = (0..<16).map { UInt8($0 == 15 ? index : 0) }
                return m
            }
        }

        @Test func keepLastAndDailyFollowRestic() {
            BackupPolicyTests.useZone("UTC")
            let all = Self.images([(2026, 11, 28, 10), (2026, 11, 29, 10), (2026, 11, 29, 18), (2026, 11, 30, 10), (2026, 12, 1, 10), (2026, 12, 1, 18)])
            let daily = RetentionPolicy(daily: 3).keep(all)
            // The newest of each of the three newest days.
            #expect(Set(daily.keys) == Set([all[5], all[3], all[2]].map(\.idText)))
            let last = RetentionPolicy(last: 2).keep(all)
            #expect(Set(last.keys) == Set([all[5], all[4]].map(\.idText)))
            let monthly = RetentionPolicy(monthly: 5).keep(all)
            #expect(Set(monthly.keys) == Set([all[5], all[3]].map(\.idText)))
            #expect(!RetentionPolicy().keepsSomething)
        }

        @Test func bucketsUseLocalTime() {
            // 14:00 and 16:00 UTC on Nov 30 are one day in UTC, two in Tokyo (23:00 and 01:00).
            let all = Self.images([(2026, 11, 30, 14), (2026, 11, 30, 16)])
            BackupPolicyTests.useZone("UTC")
            #expect(RetentionPolicy(daily: 5).keep(all).count == 1)
            BackupPolicyTests.useZone("JST-9")  // POSIX form: no tzdata needed
            #expect(RetentionPolicy(daily: 5).keep(all).count == 2)
            #expect(PointInTime.parse("2026-12-01T09:00") == .time(PointInTime.utcSeconds(year: 2026, month: 12, day: 1)))
            BackupPolicyTests.useZone("UTC")
        }

        @Test func aKeptImageKeepsItsParents() {
            BackupPolicyTests.useZone("UTC")
            var all = Self.images([(2026, 11, 1, 10), (2026, 11, 2, 10), (2026, 11, 3, 10), (2026, 11, 4, 10)])
            for i in 1..<4 {
                all[i].kind = .incremental
                all[i].parent = all[i - 1].id
            }
            let kept = RetentionPolicy(last: 1).keep(all)
            #expect(kept.count == 4)
            #expect(kept[all[3].idText] == [.last])
            #expect(kept[all[0].idText] == [.parent])
        }

        @Test func isoWeeksAtYearEnds() {
            BackupPolicyTests.useZone("UTC")
            func week(_ y: Int, _ m: Int, _ d: Int) -> (Int, Int) {
                let w = LocalTime(secondsSinceEpoch: PointInTime.utcSeconds(year: y, month: m, day: d) + 43_200).isoWeek
                return (w.year, w.week)
            }
            #expect(week(2026, 12, 31) == (2026, 53))
            #expect(week(2027, 1, 1) == (2026, 53))
            #expect(week(2027, 1, 4) == (2027, 1))
            #expect(week(2024, 12, 30) == (2025, 1))
            #expect(week(2021, 1, 3) == (2020, 53))
        }
    }

    @Suite struct PointInTimeTests {
        @Test func parsesLatestIdsAndIsoTimes() {
            BackupPolicyTests.useZone("UTC")
            #expect(PointInTime.parse("latest") == .latest)
            #expect(PointInTime.parse("3fA2bc") == .id("3fa2bc"))
            #expect(PointInTime.parse("2026-12-01") == .time(PointInTime.utcSeconds(year: 2026, month: 12, day: 1)))
            #expect(PointInTime.parse("2026-12-01T18:30Z") == .time(PointInTime.utcSeconds(year: 2026, month: 12, day: 1) + 66_600))
            #expect(PointInTime.parse("2026-12-01 18:30:05+01:00") == .time(PointInTime.utcSeconds(year: 2026, month: 12, day: 1) + 63_005))
            #expect(PointInTime.parse("2026-13-01") == nil)
            #expect(PointInTime.parse("yesterday") == nil)
            #expect(PointInTime.parse("abc") == nil)
            #expect(PointInTime.utcSeconds(year: 1970, month: 1, day: 1) == 0)
            #expect(PointInTime.utcSeconds(year: 2000, month: 3, day: 1) == 951_868_800)
        }

        @Test func aTimePicksTheNewestImageAtOrBeforeIt() throws {
            let all = BackupPolicyTests.RetentionPolicyTests.images([(2026, 11, 1, 10), (2026, 11, 2, 10), (2026, 11, 3, 10)])
            #expect(try PointInTime.time(PointInTime.utcSeconds(year: 2026, month: 11, day: 2) + 36_000).select(from: all) == all[1])
            #expect(try PointInTime.time(PointInTime.utcSeconds(year: 2026, month: 10, day: 2)).select(from: all) == nil)
            #expect(try PointInTime.latest.select(from: all) == all[2])
            #expect(throws: BackupRepository.Problem.self) { try PointInTime.id("0000").select(from: all) }
        }
    }

    @Suite struct BackupKindPolicyTests {
        @Test func theFirstIsFullThenIncrementalsUntilTheNextFull() {
            let all = BackupPolicyTests.RetentionPolicyTests.images([(2026, 11, 1, 10), (2026, 11, 2, 10), (2026, 11, 3, 10)])
            var chain = all
            for i in 1..<3 { chain[i].kind = .incremental }
            #expect(BackupKindPolicy().nextKind(after: [], now: 0) == .full)
            #expect(BackupKindPolicy(fullEvery: .images(3)).nextKind(after: chain, now: 0) == .full)
            #expect(BackupKindPolicy(fullEvery: .images(4)).nextKind(after: chain, now: 0) == .incremental)
            let now = PointInTime.utcSeconds(year: 2026, month: 11, day: 8) + 43_200
            #expect(BackupKindPolicy(fullEvery: .days(7)).nextKind(after: chain, now: now) == .full)
            #expect(BackupKindPolicy(fullEvery: .days(8)).nextKind(after: chain, now: now) == .incremental)
            #expect(BackupKindPolicy.parent(of: .differential, in: chain) == chain[0])
            #expect(BackupKindPolicy.parent(of: .incremental, in: chain) == chain[2])
            #expect(BackupKindPolicy.parse("30d") == .days(30))
            #expect(BackupKindPolicy.parse("0") == nil)
        }
    }
}
