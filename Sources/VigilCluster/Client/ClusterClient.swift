public import Foundation
public import VigilStore

/// The operator's side of a cluster: apply and show the configuration, put nodes in
/// standby or maintenance, move, ban, restart and clean up resources, read the status
/// and the events. What `vigil config|node|resource|status|events` do, as a library.
///
/// Every write is a compare-guarded transaction on the revisions read just before (see
/// docs/etcd-keyspace.md) and carries an event record in the same transaction; a write
/// whose compare is lost is recomputed from a fresh read, up to ``maxAttempts`` times,
/// then fails with ``VigilClusterError/Code/conflict``.
///
/// Errors: ``VigilClusterError`` (`notFound`, `noConfiguration`, `conflict`,
/// `invalidArgument`, `timeout`), `VigilModelError` for a configuration that does not
/// validate, and `VigilStoreError` as the store reports it (e.g. `unavailable`).
public struct ClusterClient: Sendable {
    /// The store the cluster lives in.
    public let store: any ClusterStore
    /// The cluster's keys.
    public let keyspace: Keyspace
    /// Who acts (`user@host`), recorded in events and in `config`'s `applied-by`.
    public let actor: String
    /// Attempts of one guarded write before it fails with `conflict`.
    public var maxAttempts: Int = 5
    /// The wall clock for event times and sequences (injected for tests).
    let wallClock: @Sendable () -> Date
    /// The clock `restart` waits on.
    let clock: any Clock<Duration>

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - store: the cluster's store.
    ///   - keyspace: the cluster's keys.
    ///   - actor: who acts, for events (`user@host`).
    ///   - clock: what ``restart(_:timeout:)`` measures its timeout on.
    ///   - wallClock: the current time, for event records.
    public init(
        store: any ClusterStore, keyspace: Keyspace, actor: String,
        clock: any Clock<Duration> = ContinuousClock(),
        wallClock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.keyspace = keyspace
        self.actor = actor
        self.clock = clock
        self.wallClock = wallClock
    }

    /// Reads the whole keyspace once.
    public func view() async throws -> ClusterView {
        ClusterView(keyspace: keyspace, range: try await keyspace.readView(store))
    }

    /// A snapshot of the keyspace: the view and the raw keys (for their revisions).
    struct Snapshot {
        var view: ClusterView
        var kvs: [String: KeyValue]

        func modRevision(_ key: String) -> Int64 { kvs[key]?.modRevision ?? 0 }
    }

    func snapshot() async throws -> Snapshot {
        let range = try await keyspace.readView(store)
        var kvs: [String: KeyValue] = [:]
        for kv in range.kvs { kvs[kv.key] = kv }
        return Snapshot(view: ClusterView(keyspace: keyspace, range: range), kvs: kvs)
    }

    /// The outcome of one attempt of a guarded write.
    enum Attempt<T> {
        /// Finished with a value.
        case done(T)
        /// A compare was lost: read again and retry.
        case retry
    }

    /// Runs `attempt` until it is done, at most ``maxAttempts`` times.
    func retrying<T>(_ what: String, _ attempt: () async throws -> Attempt<T>) async throws -> T {
        for _ in 0..<max(1, maxAttempts) {
            if case .done(let value) = try await attempt() { return value }
        }
        throw VigilClusterError(.conflict, "\(what): the keys kept changing under \(maxAttempts) attempts; try again")
    }

    /// An event record for the same transaction as the change it reports: the key, its
    /// absence compare and its put.
    func event(kind: String, node: String?, resource: String?, message: String) throws -> (Compare, TxnOp) {
        let date = wallClock()
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let record = EventRecord(
            time: RFC3339.string(date), node: node ?? "-", resource: resource, kind: kind,
            message: "\(message) (by \(actor))")
        let key = keyspace.event(micros, node: "cli")
        return (.absent(key), .put(key: key, value: try JSONCoding.encode(record), lease: nil))
    }
}
