public import Logging

/// An in-process ``ClusterStore`` with etcd's semantics, driven by an injected clock.
///
/// Revisions, create/mod revisions and versions behave as in etcd; leases expire when the
/// injected clock passes their deadline (checked at the start of every operation, and by
/// ``run()`` for stores nobody is calling); watches are served from an in-memory history
/// until it is compacted (explicitly, or automatically beyond `historyLimit` events).
///
/// With a `directory`, the keys and leases are persisted as `store.json` there, written
/// durably after every change (a temporary file, fsynced, renamed over the old one, then
/// the directory fsynced) and loaded by `init`. A change that cannot be written is not
/// applied: the caller gets a `persistence` error and the store stays as it was; history is not persisted, so a
/// watch from before a restart is told `.compacted`. Used by tests, the simulation and
/// `vigil agent --standalone`.
public actor MemoryStore: ClusterStore {
    struct LeaseState {
        var ttlSeconds: Int64
        var deadline: Duration
        var keys: Set<String>
    }

    struct HistoryEntry {
        var revision: Int64
        var event: WatchEvent
    }

    struct WatchPoll {
        var update: WatchUpdate?
        var nextRevision: Int64
    }

    let clock: StoreClock
    let snapshotPath: String?
    let historyLimit: Int
    let logger: Logger

    var revision: Int64 = 1
    var compactRevision: Int64 = 0
    var kvs: [String: KeyValue] = [:]
    var leases: [Int64: LeaseState] = [:]
    var nextLeaseID: Int64 = 0x5649_0001
    var history: [HistoryEntry] = []
    var waiters: [WatchWaiter] = []

    /// Creates a store, loading `directory/store.json` when a directory is given and the
    /// file exists.
    ///
    /// - Parameters:
    ///   - clock: drives lease expiry (a test clock makes expiry deterministic).
    ///   - directory: where to persist state; nil keeps everything in memory.
    ///   - historyLimit: events kept for watches before older ones are compacted.
    ///   - logger: for persistence failures and lease expiry.
    /// - Throws: ``VigilStoreError`` with code `persistence` when the snapshot is unreadable.
    public init(
        clock: any Clock<Duration> = ContinuousClock(),
        directory: String? = nil,
        historyLimit: Int = 10_000,
        logger: Logger = Logger(label: "vigil.store.memory")
    ) throws {
        self.clock = StoreClock(clock)
        self.historyLimit = max(1, historyLimit)
        self.logger = logger
        self.snapshotPath = directory.map { Self.snapshotFile(in: $0) }
        if let snapshotPath, let snapshot = try Self.loadSnapshot(at: snapshotPath) {
            let now = self.clock.now()
            revision = snapshot.revision
            compactRevision = snapshot.revision + 1
            nextLeaseID = snapshot.nextLeaseID
            for record in snapshot.leases {
                leases[record.id] = LeaseState(
                    ttlSeconds: record.ttlSeconds, deadline: now + .seconds(record.ttlSeconds), keys: [])
            }
            for kv in snapshot.kvs {
                kvs[kv.key] = kv
                if kv.lease != 0 { leases[kv.lease]?.keys.insert(kv.key) }
            }
        }
    }

    /// Reads the keys in `range`.
    public func range(_ range: KeyRange) throws -> RangeResult {
        expireLeasesIfPossible()
        return RangeResult(kvs: matching(range), revision: revision)
    }

    /// Runs a transaction atomically; see ``ClusterStore/txn(_:)``.
    public func txn(_ txn: Txn) throws -> TxnResult {
        try expireLeases()
        let succeeded = txn.compares.allSatisfy { $0.evaluate(kvs[$0.key]) }
        let ops = succeeded ? txn.success : txn.failure
        for case .put(let key, _, let lease?) in ops where lease != 0 && leases[lease] == nil {
            throw VigilStoreError(.leaseNotFound, "lease \(lease) not found (put of \(key))")
        }
        return try atomically { () throws -> TxnResult in try apply(ops, succeeded: succeeded) }
    }

    /// Applies a transaction's chosen operations and persists them.
    private func apply(_ ops: [TxnOp], succeeded: Bool) throws -> TxnResult {
        let writeRevision = revision + 1
        var events: [WatchEvent] = []
        var results: [TxnOpResult] = []
        for op in ops {
            switch op {
            case .put(let key, let value, let lease):
                let previous = kvs[key]
                let kv = KeyValue(
                    key: key, value: value, createRevision: previous?.createRevision ?? writeRevision,
                    modRevision: writeRevision, version: (previous?.version ?? 0) + 1, lease: lease ?? 0)
                setKey(kv, previous: previous)
                events.append(WatchEvent(kind: .put, kv: kv, prevKV: previous))
                results.append(.put)
            case .delete(let range):
                let removed = matching(range)
                for kv in removed {
                    removeKey(kv)
                    events.append(
                        WatchEvent(kind: .delete, kv: KeyValue(key: kv.key, value: [], modRevision: writeRevision), prevKV: kv))
                }
                results.append(.delete(deleted: Int64(removed.count)))
            case .get(let range):
                results.append(.get(matching(range)))
            }
        }
        if !events.isEmpty { try commit(events, at: writeRevision) }
        return TxnResult(succeeded: succeeded, revision: revision, results: results)
    }

    /// Grants a lease of `ttl` rounded up to whole seconds (at least 1 s).
    public func grantLease(ttl: Duration) throws -> Lease {
        try expireLeases()
        let seconds = max(1, Self.wholeSeconds(ttl))
        return try atomically { () throws -> Lease in
            let id = nextLeaseID
            nextLeaseID += 1
            leases[id] = LeaseState(ttlSeconds: seconds, deadline: clock.now() + .seconds(seconds), keys: [])
            try persist()
            return Lease(id: id, ttl: .seconds(seconds))
        }
    }

    /// Renews a lease for its full TTL.
    public func keepAlive(_ lease: Int64) throws -> KeepAliveResult {
        try expireLeases()
        guard var state = leases[lease] else { return .notFound }
        state.deadline = clock.now() + .seconds(state.ttlSeconds)
        leases[lease] = state
        return .alive(ttl: .seconds(state.ttlSeconds))
    }

    /// Revokes a lease and deletes its keys (no-op when it no longer exists).
    public func revokeLease(_ lease: Int64) throws {
        try expireLeases()
        try revoke(lease)
    }

    /// Describes a lease, nil when it no longer exists.
    public func timeToLive(_ lease: Int64) throws -> LeaseInfo? {
        expireLeasesIfPossible()
        guard let state = leases[lease] else { return nil }
        let left = state.deadline - clock.now()
        let remaining = max(0, Self.wholeSeconds(left))
        return LeaseInfo(
            id: lease, remaining: .seconds(remaining), granted: .seconds(state.ttlSeconds), keys: state.keys.sorted())
    }

    /// Watches keys under `prefix` from `fromRevision`; see ``ClusterStore/watch(prefix:fromRevision:)``.
    public nonisolated func watch(prefix: String, fromRevision: Int64) -> WatchStream {
        WatchStream(.memory(MemoryWatchCursor(store: self, prefix: prefix, nextRevision: fromRevision)))
    }

    /// Drops history before `revision`.
    ///
    /// - Throws: `invalidArgument` for a revision beyond the current one.
    public func compact(_ revision: Int64) throws {
        guard revision <= self.revision else {
            throw VigilStoreError(.invalidArgument, "cannot compact to future revision \(revision) (current \(self.revision))")
        }
        guard revision > compactRevision else { return }
        compactRevision = revision
        history.removeAll { $0.revision < revision }
        notifyWatchers()
    }

    /// Expires leases in the background (for stores that may sit idle while their leases
    /// must still expire, e.g. `--standalone`). Runs until the calling task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                try expireLeases()
            } catch {
                logger.error("lease expiry failed", metadata: ["error": "\(error)"])
            }
            let now = clock.now()
            let next = min(leases.values.map(\.deadline).min() ?? now + .seconds(1), now + .seconds(1))
            do {
                try await clock.sleepUntil(max(next, now))
            } catch {
                return
            }
        }
    }

    /// The store's current revision.
    public var currentRevision: Int64 { revision }
}
