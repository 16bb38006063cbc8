// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "vigil",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "VigilModel", targets: ["VigilModel"]),
        .library(name: "VigilScheduler", targets: ["VigilScheduler"]),
        .executable(name: "vigil", targets: ["vigil"]),
        .executable(name: "vigil-bench", targets: ["vigil-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // Pure layers: no I/O, no clocks.
        .target(
            name: "VigilModel",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "VigilScheduler",
            dependencies: ["VigilModel"],
            swiftSettings: strict
        ),
        // Executables: wiring only.
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilModel", "VigilScheduler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "vigil-bench",
            dependencies: [
                "VigilModel", "VigilScheduler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilModelTests",
            dependencies: ["VigilModel"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilCLITests",
            dependencies: ["vigil"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilSchedulerTests",
            dependencies: [
                "VigilModel", "VigilScheduler",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Scenarios"],
            swiftSettings: strict
        ),
    ]
)
