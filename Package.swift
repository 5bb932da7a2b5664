// swift-tools-version: 6.0
// swdd — block-level disk imaging for Linux. See README.md and docs/ARCHITECTURE.md.
import PackageDescription

let package = Package(
    name: "swdd",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "swdd", targets: ["swdd"]),
        // Libraries for the Benchmarks package (and for embedding the engine).
        .library(name: "SwddSystem", targets: ["SwddSystem"]),
        .library(name: "SwddEngine", targets: ["SwddEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SHA-256 and friends on the CPU's SHA extensions (~1.8 GB/s here, 5× coreutils' sha256sum).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // YAML for `swdd schedule apply`'s policy files (libyaml underneath).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C the Swift importer cannot see: O_DIRECT, copy_file_range, splice, SEEK_DATA, BLK* ioctls.
        .target(name: "CLinuxShims", cSettings: [.define("_GNU_SOURCE")]),
        .systemLibrary(name: "CBlkid", pkgConfig: "blkid", providers: [.apt(["libblkid-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // XXH3-128 for block digests (~9 GB/s, where SHA-256 runs 1.7) and XXH64 for zstd's frame checksums.
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        // libfuse3's high-level API, for `swdd mount`.
        .systemLibrary(name: "CFuse", pkgConfig: "fuse3", providers: [.apt(["libfuse3-dev"])]),
        // libext2fs: ext2/3/4 block bitmaps, for images of used blocks only (--used).
        .systemLibrary(name: "CExt2fs", pkgConfig: "ext2fs", providers: [.apt(["libext2fs-dev"])]),

        .target(name: "SwddSystem", dependencies: ["CLinuxShims"]),
        .target(name: "SwddEngine", dependencies: ["SwddSystem", .product(name: "Crypto", package: "swift-crypto")]),
        // Transports to other machines through system tools (ssh).
        .target(name: "SwddRemote", dependencies: ["SwddSystem"]),
        .target(name: "SwddDD", dependencies: ["SwddEngine", "SwddSystem"]),
        .target(name: "SwddDisks", dependencies: ["SwddSystem", "CBlkid"]),
        // Which bytes of a filesystem are in use, from its own allocation structures.
        .target(name: "SwddFilesystems", dependencies: ["SwddSystem", "SwddDisks", "CExt2fs"]),
        .target(name: "SwddImage", dependencies: [
            "SwddEngine", "SwddSystem", "SwddRemote", "CZstd", "CXXHash", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Repositories of images (manifests, chains, locks, retention), mirror and schedules.
        .target(name: "SwddBackup", dependencies: [
            "SwddImage", "SwddRemote", "SwddEngine", "SwddSystem", .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // A restore point as files (disk, p1, p2, …) through FUSE; filesystem checks through it.
        .target(name: "SwddMount", dependencies: ["SwddImage", "SwddDisks", "SwddSystem", "CFuse"]),
        .target(name: "SwddBench", dependencies: ["SwddEngine", "SwddSystem"]),
        .target(name: "SwddCLI", dependencies: [
            "SwddSystem", "SwddEngine", "SwddRemote", "SwddDD", "SwddDisks", "SwddFilesystems", "SwddImage", "SwddBackup", "SwddMount", "SwddBench",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "swdd", dependencies: ["SwddCLI"]),

        // Shell helpers the test targets share (loop devices, file system facts).
        .target(name: "SwddTestSupport", path: "Tests/SwddTestSupport"),
        .testTarget(name: "SwddSystemTests", dependencies: ["SwddSystem", "SwddTestSupport"]),
        .testTarget(name: "SwddEngineTests", dependencies: ["SwddEngine", "SwddSystem", "SwddTestSupport"]),
        .testTarget(name: "SwddDDTests", dependencies: ["SwddDD"]),
        .testTarget(name: "SwddDisksTests", dependencies: ["SwddDisks"]),
        .testTarget(name: "SwddFilesystemsTests", dependencies: ["SwddFilesystems", "SwddSystem", "SwddTestSupport"]),
        .testTarget(name: "SwddImageTests", dependencies: ["SwddImage", "SwddEngine", "SwddSystem", "SwddTestSupport"]),
        .testTarget(name: "SwddBackupTests", dependencies: ["SwddBackup", "SwddImage", "SwddRemote", "SwddSystem"]),
        .testTarget(name: "SwddMountTests", dependencies: ["SwddMount"]),
        .testTarget(name: "SwddBenchTests", dependencies: ["SwddBench", "SwddTestSupport"]),
        .testTarget(name: "SwddCLITests", dependencies: ["SwddCLI", "SwddSystem", "SwddTestSupport"]),
        // Runs the built swdd binary next to GNU dd, fdisk, zstd and bmaptool on the same inputs.
        .testTarget(name: "ReferenceTests", dependencies: ["swdd"]),
    ],
    swiftLanguageModes: [.v6]
)
