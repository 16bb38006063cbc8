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
        .library(name: "VigilImport", targets: ["VigilImport"]),
        .library(name: "VigilScheduler", targets: ["VigilScheduler"]),
        .library(name: "VigilStore", targets: ["VigilStore"]),
        .library(name: "VigilCluster", targets: ["VigilCluster"]),
        .library(name: "VigilNode", targets: ["VigilNode"]),
        .library(name: "VigilKit", targets: ["VigilKit"]),
        .executable(name: "vigil", targets: ["vigil"]),
        .executable(name: "vigil-bench", targets: ["vigil-bench"]),
        .library(name: "VigilHealth", targets: ["VigilHealth"]),
        .library(name: "VigilAgents", targets: ["VigilAgents"]),
        .executable(name: "vigil-probe-bench", targets: ["vigil-probe-bench"]),
        .executable(name: "vigil-cgexec", targets: ["vigil-cgexec"]),
        .executable(name: "vigil-config-fuzz", targets: ["vigil-config-fuzz"]),
        .executable(name: "leader-job", targets: ["leader-job"]),
        .executable(name: "leader-job-bare", targets: ["leader-job-bare"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Pure layers: no I/O, no clocks.
        .target(
            name: "VigilModel",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // `vigil import`: a Pacemaker CIB translated into a Vigil configuration.
        .target(
            name: "VigilImport",
            dependencies: ["VigilModel"],
            swiftSettings: strict
        ),
        .target(
            name: "VigilScheduler",
            dependencies: ["VigilModel"],
            swiftSettings: strict
        ),
        // Coordination store: etcd v3 (JSON gateway) and an in-memory equivalent.
        .target(
            name: "VigilStore",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The cluster runtime: membership (leased, self-fencing), coordinator election, the
        // keyspace and its records, the cluster view and the cluster client. No executor,
        // probe or HTTP server: VigilKit links this, not MariaDB, RabbitMQ or Hummingbird.
        .target(
            name: "VigilCluster",
            dependencies: [
                "VigilStore", "VigilModel", "VigilScheduler",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The embeddable library: leadership with fencing tokens, service groups, health
        // reports, status and configuration fragments, over the cluster runtime only.
        .target(
            name: "VigilKit",
            dependencies: [
                "VigilCluster", "VigilStore", "VigilModel",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Examples/: a replicated service on VigilKit (leader-job), the same job without it
        // (leader-job-bare, the memory baseline) and their fenced results store.
        .target(name: "LeaderJobStore", path: "Examples/LeaderJobStore", swiftSettings: strict),
        .executableTarget(
            name: "leader-job", dependencies: ["VigilKit", "LeaderJobStore"], path: "Examples/LeaderJob", swiftSettings: strict),
        .executableTarget(name: "leader-job-bare", dependencies: ["LeaderJobStore"], path: "Examples/LeaderJobBare", swiftSettings: strict),
        // The agent: the coordinator, the reconciler, the HTTP API, over the cluster runtime.
        .target(
            name: "VigilNode",
            dependencies: [
                "VigilCluster", "VigilStore", "VigilModel", "VigilScheduler", "VigilAgents", "VigilHealth", "VigilCommand",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            // The status page, compiled into the binary (no file to install, nothing fetched).
            resources: [.embedInCode("HTTP/Web/index.html"), .embedInCode("HTTP/Web/vigil.css"), .embedInCode("HTTP/Web/vigil.js")],
            swiftSettings: strict
        ),
        // Executables: wiring only.
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilModel", "VigilScheduler", "VigilAgents", "VigilHealth", "VigilCluster", "VigilNode", "VigilStore", "VigilCommand",
                "VigilImport", "vigil-cgexec",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
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
        // The configuration decoder's libFuzzer target: lab/fuzz-config builds it with
        // -sanitize=fuzzer; a plain build makes a replayer of saved inputs.
        .executableTarget(
            name: "vigil-config-fuzz",
            dependencies: ["VigilModel"],
            swiftSettings: strict
        ),
        // C libraries from Debian (libmariadb-dev, librabbitmq-dev).
        .systemLibrary(
            name: "CMariaDB",
            pkgConfig: "libmariadb",
            providers: [.apt(["libmariadb-dev"])]
        ),
        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        // Runs a program inside a resource's cgroup (C: it must join before it execs).
        .executableTarget(name: "vigil-cgexec"),
        // Running commands: process groups, timeouts, bounded output, cgroups.
        .target(
            name: "VigilCommand",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Resource executors (OCF, process, vip) and fence agents.
        .target(
            name: "VigilAgents",
            dependencies: [
                "VigilModel", "VigilCommand", "VigilHealth",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Deep health probes.
        .target(
            name: "VigilHealth",
            dependencies: [
                "VigilCommand", "CMariaDB", "CRabbitMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "vigil-probe-bench",
            dependencies: [
                "VigilHealth", "VigilAgents",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilAgentsTests",
            dependencies: ["VigilAgents", "VigilCommand", "vigil-cgexec"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilHealthTests",
            dependencies: [
                "VigilHealth", "VigilAgents", "VigilCommand",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilModelTests",
            dependencies: ["VigilModel"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilImportTests",
            dependencies: ["VigilImport", "VigilModel", "VigilScheduler"],
            exclude: ["CIBs"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilStoreTests",
            dependencies: [
                "VigilStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilNodeTests",
            dependencies: [
                "VigilCluster", "VigilNode", "VigilKit", "VigilStore", "VigilModel", "VigilScheduler", "VigilAgents", "VigilHealth", "VigilCommand", "vigil-cgexec",
                "leader-job", "LeaderJobStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
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
