public import Logging
public import VigilStore

/// Elects one coordinator through the leased `coordinator` key, with a fencing term.
///
/// Campaign: `if create_revision(coordinator) == 0 then put coordinator=<node>` under the
/// candidate's member lease; the winner's **term** is the key's create revision. Every
/// write the coordinator makes must carry ``guardCompare()`` (`create_revision(coordinator)
/// == term`), so a deposed coordinator's writes fail even if it still believes it leads.
/// Losers watch the key and campaign again when it is deleted (lease expired or revoked,
/// or the coordinator resigned). ``depose()`` stops acting as coordinator at once: call it
/// from the membership's self-fence hook.
public actor CoordinatorElection {
    /// The coordinator key, `<prefix>coordinator`.
    public nonisolated let key: String
    /// This candidate's node name (the key's value when it wins).
    public nonisolated let node: String

    private let store: any ClusterStore
    private let logger: Logger
    /// What winning makes this candidate, for the logs ("coordinator", "leader of reports").
    private let role: String
    private var heldTerm: Int64?

    /// Creates a candidate; nothing happens until ``campaign(lease:)`` or ``run(lease:retryInterval:clock:)``.
    public init(
        store: any ClusterStore, node: String, keyPrefix: String = "",
        logger: Logger = Logger(label: "vigil.node.election")
    ) {
        self.init(store: store, key: "\(keyPrefix)coordinator", candidate: node, role: "coordinator", logger: logger)
    }

    /// Creates a candidate for any leased leadership key (a service's leadership): the
    /// same campaign, term and guard, with `candidate` as the key's value.
    public init(store: any ClusterStore, key: String, candidate: String, role: String, logger: Logger) {
        self.store = store
        self.role = role
        self.node = candidate
        self.key = key
        var logger = logger
        logger[metadataKey: "node"] = "\(candidate)"
        self.logger = logger
    }

    /// The term held while this node is coordinator, else nil.
    public var term: Int64? { heldTerm }

    /// The compare that fences a write to the coordinator of `term`.
    public nonisolated func guardCompare(term: Int64) -> Compare {
        .created(key, at: term)
    }

    /// The compare for the term held now; nil when not coordinator (do not write then).
    public func guardCompare() -> Compare? {
        heldTerm.map { guardCompare(term: $0) }
    }

    /// Runs `txn` with this coordinator's term guard prepended to its compares.
    ///
    /// - Returns: the result; `succeeded == false` when the term is no longer current (or
    ///   another compare failed).
    /// - Throws: ``VigilStoreError`` code `conflict` when not coordinator; store errors.
    public func guardedTxn(_ txn: Txn) async throws -> TxnResult {
        guard let compare = guardCompare() else {
            throw VigilStoreError(.conflict, "\(node) is not the coordinator")
        }
        var guarded = txn
        guarded.compares.insert(compare, at: 0)
        return try await store.txn(guarded)
    }

    /// Campaigns once with `lease`; returns the term when this node is (or already was,
    /// under the same lease) the coordinator, nil when another node is.
    public func campaign(lease: Int64) async throws -> Int64? {
        let result = try await store.txn(
            Txn(
                compares: [.absent(key)],
                success: [.put(key, node, lease: lease), .get(.key(key))],
                failure: [.get(.key(key))]
            ))
        let current: KeyValue?
        switch result.succeeded ? result.results.last : result.results.first {
        case .get(let kvs): current = kvs.first
        default: current = nil
        }
        if let current, current.stringValue == node, current.lease == lease, current.createRevision > 0 {
            if heldTerm != current.createRevision {
                logger.info("elected \(role)", metadata: ["term": "\(current.createRevision)"])
            }
            heldTerm = current.createRevision
            return current.createRevision
        }
        heldTerm = nil
        return nil
    }

    /// Resigns: deletes the key guarded by the term (a no-op when deposed already).
    public func resign() async throws {
        guard let term = heldTerm else { return }
        heldTerm = nil
        logger.info("resigning", metadata: ["term": "\(term)"])
        _ = try await store.txn(Txn(compares: [guardCompare(term: term)], success: [.delete(.key(key))]))
    }

    /// Stops acting as coordinator immediately, without touching the store (the member
    /// lease, and with it the key, is being lost).
    public func depose() {
        if let term = heldTerm { logger.warning("deposed", metadata: ["term": "\(term)"]) }
        heldTerm = nil
    }

    /// Campaigns whenever the key is free, for as long as the task runs.
    ///
    /// Each round campaigns with the member lease `lease()` returns (waiting while it is
    /// nil), then watches the key until it is deleted; a term whose key is deleted is
    /// dropped at once. A term won while the member lease changed (the agent fenced during
    /// the campaign) is resigned at once. Store errors are retried after `retryInterval` on `clock`.
    public func run(
        lease: @escaping @Sendable () async -> Int64?, retryInterval: Duration = .milliseconds(200),
        clock: any Clock<Duration> = ContinuousClock()
    ) async {
        while !Task.isCancelled {
            do {
                guard let current = await lease() else {
                    try await clock.sleep(for: retryInterval)
                    continue
                }
                if try await campaign(lease: current) != nil, await lease() != current {
                    // Fenced while campaigning: never act on a term won with a lost lease.
                    try await resign()
                    continue
                }
                let read = try await store.range(.key(key))
                guard let holder = read.kvs.first else { continue }
                if holder.lease != current || holder.stringValue != node { heldTerm = nil }
                try await waitForDeletion(from: read.revision + 1)
            } catch is CancellationError {
                return
            } catch {
                logger.warning("election round failed", metadata: ["error": "\(error)"])
                do { try await clock.sleep(for: retryInterval) } catch { return }
            }
        }
    }

    /// Returns when the key is deleted (or the watch was compacted: re-read).
    private func waitForDeletion(from revision: Int64) async throws {
        for try await update in store.watch(prefix: key, fromRevision: revision) {
            guard case .events(let events, _) = update else { return }
            if events.contains(where: { $0.kind == .delete && $0.kv.key == key }) {
                heldTerm = nil
                return
            }
        }
    }
}
