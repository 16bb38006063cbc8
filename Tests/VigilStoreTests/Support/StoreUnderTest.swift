import Foundation
import Logging
import Testing
import VigilStore

/// The stores the shared behaviour suite runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case etcd

    var testDescription: String { rawValue }
}

/// A store for one test, with a private key prefix and a way to let time pass.
struct StoreUnderTest: Sendable {
    let store: any ClusterStore
    /// Unique to the test: `/t/<uuid>/`.
    let prefix: String
    /// The memory store's clock; nil for etcd (real time).
    let clock: TestClock?

    /// Lets `duration` pass: advances the test clock, or waits in real time for etcd
    /// (where the passing of time is what the test is about, not synchronisation).
    func pass(_ duration: Duration) async throws {
        if let clock { clock.advance(by: duration) } else { try await Task.sleep(for: duration) }
    }

    /// Lets a lease of `ttl` run out: the test clock jumps past it; for etcd, nothing (the
    /// test then polls with ``expiryTimeout``).
    func expire(_ ttl: Duration) {
        clock?.advance(by: ttl + .seconds(1))
    }

    /// How long to poll for a lease expiry: etcd removes keys between TTL and TTL + 0.5 s,
    /// more under load.
    func expiryTimeout(_ ttl: Duration) -> Duration { clock == nil ? ttl * 3 + .seconds(2) : .seconds(1) }

    /// `prefix + name`.
    func key(_ name: String) -> String { prefix + name }
}

/// Quiet logger for tests.
let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs `body` against a fresh memory store or a store on the suite's etcd cluster.
func withStore(_ backend: Backend, _ body: (StoreUnderTest) async throws -> Void) async throws {
    let prefix = "/t/\(UUID().uuidString)/"
    switch backend {
    case .memory:
        let clock = TestClock()
        let store = try MemoryStore(clock: clock)
        try await body(StoreUnderTest(store: store, prefix: prefix, clock: clock))
    case .etcd:
        let cluster = try EtcdFixture.current()
        let configuration = EtcdConfiguration(endpoints: await cluster.endpoints)
        try await withEtcdStore(configuration, logger: quietLogger) { store in
            try await body(StoreUnderTest(store: store, prefix: prefix, clock: nil))
        }
    }
}

/// Reads watch updates until `count` events arrived (fails on `.compacted` or timeout).
func collectEvents(_ stream: WatchStream, count: Int, timeout: Duration = .seconds(60)) async throws -> [WatchEvent] {
    try await withDeadline(timeout, "\(count) watch events") {
        var events: [WatchEvent] = []
        for try await update in stream {
            switch update {
            case .events(let batch, _):
                events += batch
                if events.count >= count { return events }
            case .compacted(let revision):
                throw TestFailure("unexpected compaction at \(revision) after \(events.count) events")
            }
        }
        throw TestFailure("watch ended after \(events.count) of \(count) events")
    }
}

/// The first update of a watch.
func firstUpdate(_ stream: WatchStream, timeout: Duration = .seconds(60)) async throws -> WatchUpdate? {
    try await withDeadline(timeout, "a watch update") {
        var iterator = stream.makeAsyncIterator()
        return try await iterator.next()
    }
}
