/// The etcd v3 primitives Vigil coordinates through: reads, compare-guarded transactions,
/// leases and watches.
///
/// Implemented by ``EtcdStore`` (a real etcd cluster) and ``MemoryStore`` (in process,
/// injected clock) with the same semantics, so that everything above the store runs
/// unchanged in tests, in simulation and for real.
///
/// Keys are `String`s (UTF-8 on the wire), values are bytes. Revisions, versions and
/// lease ids are etcd's (`Int64`). Every operation throws ``VigilStoreError``.
public protocol ClusterStore: Sendable {
    /// Reads the keys in `range`, in key order, with the revision the read was served at.
    func range(_ range: KeyRange) async throws -> RangeResult

    /// Runs a transaction atomically.
    ///
    /// A lost compare is not an error: the result has `succeeded == false` and the
    /// failure branch ran. A write that throws ``VigilStoreError/Code/timeout`` may still
    /// have been applied.
    func txn(_ txn: Txn) async throws -> TxnResult

    /// Grants a lease of at least `ttl` (rounded up to whole seconds; the store may grant
    /// more).
    func grantLease(ttl: Duration) async throws -> Lease

    /// Renews a lease once; returns its TTL or ``KeepAliveResult/notFound``.
    func keepAlive(_ lease: Int64) async throws -> KeepAliveResult

    /// Revokes a lease, deleting its keys. Revoking a lease that no longer exists is not
    /// an error (the call is idempotent).
    func revokeLease(_ lease: Int64) async throws

    /// Describes a lease, nil when it no longer exists.
    func timeToLive(_ lease: Int64) async throws -> LeaseInfo?

    /// Watches every key starting with `prefix`, delivering changes with revision
    /// `>= fromRevision` (0: changes after the revision current when iteration starts).
    func watch(prefix: String, fromRevision: Int64) -> WatchStream
    /// Like ``watch(prefix:fromRevision:)``; with `previousValues` false the events may come
    /// without ``WatchEvent/prevKV`` (cheaper when large keys are deleted).
    func watch(prefix: String, fromRevision: Int64, previousValues: Bool) -> WatchStream

    /// Reads every key in `range` except those in `excluding`, in key order, as one
    /// snapshot (one revision). Unlike ``range(_:)`` it has no size limit: a store may read
    /// it in pages.
    func snapshot(_ range: KeyRange, excluding: KeyRange?) async throws -> RangeResult
    /// The last `limit` keys of `range` in key order, with their values, oldest first (for
    /// keys that sort by time, such as events).
    func last(_ limit: Int, of range: KeyRange) async throws -> [KeyValue]
    /// The keys (without values) of `range` from the last in key order backwards, at most
    /// `limit` of them.
    func keysFromLast(_ limit: Int, of range: KeyRange) async throws -> [String]
    /// How many keys `range` holds (without reading them).
    func count(_ range: KeyRange) async throws -> Int
    /// Discards history before `revision` (watches from older revisions get
    /// ``WatchUpdate/compacted(compactRevision:)``). Compacting an already compacted
    /// revision is not an error.
    func compact(_ revision: Int64) async throws
}
