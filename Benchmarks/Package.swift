// swift-tools-version: 6.1
// Benchmarks of swdd's hot paths with ordo-one/package-benchmark. A package of its own so the
// main build and test run do not compile the benchmark harness.
//
//   cd Benchmarks && swift package benchmark
import PackageDescription

let package = Package(
    name: "swdd-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "swdd", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "SwddEngine", package: "swdd"),
                .product(name: "SwddSystem", package: "swdd"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
