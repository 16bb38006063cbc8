import Foundation
public import Logging
public import VigilStore

/// Keeps this node a member of the cluster: `members/<node>` under a lease renewed on an
/// injected clock, with self-fencing when renewals stop being confirmed.
///
/// The decisions are ``MembershipMachine``'s; this actor only performs them. ``run()``
/// joins (grant a lease, then write the member key guarded by `create_revision == 0`),
/// renews every ``MembershipPolicy/renewInterval``, and calls the `selfFence` hook at the
/// self-fence deadline — from the time the last confirmed renewal was *sent*, never from
/// etcd's TTL — or as soon as the store reports the lease gone. Every store call is raced
/// against that deadline, so a hung store cannot delay the fence. Once fenced it re-joins
/// with a new lease as soon as the store answers again. ``leave()`` revokes the lease.
public actor Membership {
    /// The member key's store key, `<prefix>members/<node>`.
    public nonisolated let key: String
    /// The node name.
    public nonisolated let node: String

    private let store: any ClusterStore
    private let value: Result<[UInt8], any Error>
    private let host: String?
    private let joinOps: [TxnOp]
    private let clock: StoreClock
    private let selfFence: @Sendable (Int64) async -> Void
    private let logger: Logger
    private var machine: MembershipMachine
    private var fenceCount = 0

    /// Creates a membership driver; nothing happens until ``run()``.
    ///
    /// - Parameters:
    ///   - store: the cluster store.
    ///   - node: the node name (`members/<node>`).
    ///   - record: the member key's value.
    ///   - policy: lease TTL and timing.
    ///   - keyPrefix: the cluster's key prefix (e.g. `/vigil/prod/`), prepended to `members/`.
    ///   - clock: the clock renewals and the self-fence deadline are measured on.
    ///   - logger: for joins, renewal failures and fences.
    ///   - joinOps: written (not leased) in the transaction that creates the member key, so
    ///     their mod revision is the incarnation (the node's watchdog record).
    ///   - selfFence: called with the lost lease when the agent must stop its exclusive
    ///     resources now; it should return promptly.
    public init(
        store: any ClusterStore, node: String, record: MemberRecord, policy: MembershipPolicy, keyPrefix: String = "",
        clock: any Clock<Duration> = ContinuousClock(), logger: Logger = Logger(label: "vigil.node.membership"),
        joinOps: [TxnOp] = [], selfFence: @escaping @Sendable (Int64) async -> Void
    ) {
        self.init(
            store: store, key: "\(keyPrefix)members/\(node)", name: node,
            value: Result { Array(try JSONEncoder().encode(record)) }, host: record.host, policy: policy, clock: clock,
            logger: logger, joinOps: joinOps, selfFence: selfFence)
    }

    /// Creates a driver that keeps any leased `key` (a service's group membership, a
    /// leadership candidate's session) with the same renewal and self-fence rule.
    ///
    /// - Parameters:
    ///   - key: the full store key kept under the lease.
    ///   - name: who holds it, for the logs.
    ///   - value: the key's value.
    ///   - policy: lease TTL and timing.
    ///   - clock: the clock renewals and the self-fence deadline are measured on.
    ///   - logger: for joins, renewal failures and fences.
    ///   - selfFence: called with the lost lease at the self-fence deadline; it should
    ///     return promptly.
    public init(
        store: any ClusterStore, key: String, name: String, value: [UInt8], policy: MembershipPolicy,
        clock: any Clock<Duration> = ContinuousClock(), logger: Logger,
        selfFence: @escaping @Sendable (Int64) async -> Void
    ) {
        self.init(
            store: store, key: key, name: name, value: .success(value), host: nil, policy: policy, clock: clock,
            logger: logger, joinOps: [], selfFence: selfFence)
    }

    private init(
        store: any ClusterStore, key: String, name: String, value: Result<[UInt8], any Error>, host: String?,
        policy: MembershipPolicy, clock: any Clock<Duration>, logger: Logger, joinOps: [TxnOp],
        selfFence: @escaping @Sendable (Int64) async -> Void
    ) {
        self.joinOps = joinOps
        self.store = store
        self.node = name
        self.key = key
        self.value = value
        self.host = host
        self.clock = StoreClock(clock)
        self.machine = MembershipMachine(policy: policy)
        self.selfFence = selfFence
        var logger = logger
        logger[metadataKey: "node"] = "\(name)"
        self.logger = logger
    }

    /// The lease held while a member (attach status and coordinator keys to it), else nil.
    public var lease: Int64? { machine.lease }

    /// The current phase.
    public var phase: MembershipMachine.Phase { machine.phase }

    /// Whether the lease is confirmed now: a member, before its self-fence deadline.
    public var leaseConfirmed: Bool { leaseConfirmed(lead: machine.policy.safetyMargin) }

    /// Whether the lease is confirmed now with `lead` to spare: a member, and more than
    /// `lead` before the lease can expire at the store (the last confirmed renewal's send
    /// time plus the TTL). With the margin as lead, that is before the self-fence deadline.
    public func leaseConfirmed(lead: Duration) -> Bool {
        guard machine.lease != nil, let deadline = machine.fenceDeadline else { return false }
        return clock.now() < deadline + machine.policy.safetyMargin - lead
    }

    /// How many times this agent has self-fenced.
    public var fences: Int { fenceCount }

    /// How well the renewals keep up.
    public private(set) var renewals = RenewalStats()

    /// Runs until ``leave()`` is called or the task is cancelled.
    ///
    /// Cancellation alone does not revoke the lease (it then expires, as after a crash):
    /// call ``leave()`` for a graceful leave.
    public func run() async {
        while !Task.isCancelled {
            let now = clock.now()
            let actions = machine.tick(now: now)
            for action in actions {
                switch action {
                case .join: await join()
                case .sendKeepAlive(let lease): await renew(lease)
                case .selfFence(let lease): await fence(lease, reason: "no renewal confirmed before the deadline")
                }
            }
            if !actions.isEmpty { continue }
            guard let wakeup = machine.nextWakeup else { return }
            do {
                try await clock.sleepUntil(wakeup)
            } catch {
                return
            }
        }
    }

    /// Leaves gracefully: revokes the lease (deleting the member key and everything else
    /// attached to it) and stops ``run()`` at its next wake-up.
    public func leave() async throws {
        if let lease = machine.leave() {
            logger.info("leaving", metadata: ["lease": "\(lease)"])
            try await store.revokeLease(lease)
        }
    }

    /// Stops renewing without revoking: the member key vanishes only when the lease
    /// expires. For a leave that could not confirm every stop — a revoke would end the lease
    /// early, and peers that count from its end (plus the node's watchdog timeout) must not
    /// get ahead of the watchdog that resets this node.
    public func abandon() {
        if let lease = machine.leave() {
            logger.warning("leaving without revoking the lease: it expires by itself", metadata: ["lease": "\(lease)"])
        }
    }

    private func fence(_ lease: Int64, reason: String) async {
        fenceCount += 1
        logger.critical("self-fencing", metadata: ["lease": "\(lease)", "reason": "\(reason)"])
        await selfFence(lease)
    }

    /// The deadline a keep-alive is raced against: the fence deadline.
    private func callDeadline(now: Duration) -> Duration {
        machine.fenceDeadline ?? now
    }

    private func renew(_ lease: Int64) async {
        let sentAt = clock.now()
        machine.attemptSent(at: sentAt)
        let store = self.store
        let outcome = await DeadlineOutcome.race({ try await store.keepAlive(lease) }, until: callDeadline(now: sentAt), clock: clock) {
            let actions = machine.tick(now: clock.now())
            for case .selfFence(let lease) in actions {
                await fence(lease, reason: "keep-alive unanswered at the deadline")
            }
        }
        switch outcome {
        case .value(.alive(let ttl)):
            if machine.lease == lease { renewals.record(sentAt: sentAt, now: clock.now(), deadline: machine.fenceDeadline) }
            machine.renewalConfirmed(lease: lease, sentAt: sentAt, ttl: ttl)
        case .value(.notFound):
            for case .selfFence(let lease) in machine.leaseNotFound(lease: lease, now: clock.now()) {
                await fence(lease, reason: "lease not found")
            }
        case .failed(let error):
            if let storeError = error as? VigilStoreError, storeError.code == .leaseNotFound {
                for case .selfFence(let lease) in machine.leaseNotFound(lease: lease, now: clock.now()) {
                    await fence(lease, reason: "lease not found")
                }
            } else {
                logger.warning("keep-alive failed", metadata: ["lease": "\(lease)", "error": "\(error)"])
                machine.attemptFailed()
            }
        case .deadline:
            machine.attemptFailed()
        }
    }

    private func join() async {
        let sentAt = clock.now()
        machine.attemptSent(at: sentAt)
        let store = self.store
        let key = self.key
        let retired = machine.retiredLeases
        let value: [UInt8]
        do {
            value = try self.value.get()
        } catch {
            logger.error("cannot encode the member record", metadata: ["error": "\(error)"])
            machine.attemptFailed()
            return
        }
        // Not raced against a deadline: a joining agent holds nothing to fence, and an
        // abandoned join could leave a key under a lease nobody renews, blocking re-joins
        // for a TTL. A late join is safe: its deadline counts from `sentAt`.
        let result: Result<(lease: Lease, grantSentAt: Duration)?, any Error>
        do {
            result = .success(
                try await Self.register(
                    store: store, key: key, value: value, ttl: machine.policy.ttl, retired: retired, extra: joinOps,
                    host: host, clock: clock, logger: logger))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(.some(let (lease, grantSentAt))):
            if machine.joined(lease: lease.id, ttl: lease.ttl, sentAt: grantSentAt) {
                renewals.restart()
                logger.info("joined", metadata: ["lease": "\(lease.id)", "ttl": "\(lease.ttl)"])
            } else {
                // Left while joining: do not leave a member key behind for a TTL.
                try? await store.revokeLease(lease.id)
                machine.attemptFailed()
            }
        case .success(.none):
            logger.warning("member key held by another live lease; retrying", metadata: ["key": "\(key)"])
            machine.attemptFailed()
        case .failure(let error):
            logger.warning("join failed", metadata: ["error": "\(error)"])
            machine.attemptFailed()
        }
    }

    /// Revokes retired leases (best effort), grants a new lease and creates the member key
    /// under it; returns the lease and when its grant was sent. Returns nil (after revoking
    /// the new lease) when the key exists under another lease — unless that lease is a
    /// predecessor's on the same `host` (a crashed agent of this host): its lease is revoked
    /// and the key taken over at once.
    private static func register(
        store: any ClusterStore, key: String, value: [UInt8], ttl: Duration, retired: Set<Int64>, extra: [TxnOp],
        host: String?, clock: StoreClock, logger: Logger
    ) async throws -> (lease: Lease, grantSentAt: Duration)? {
        for old in retired.sorted() {
            try? await store.revokeLease(old)
        }
        let grantSentAt = clock.now()
        let lease = try await store.grantLease(ttl: ttl)
        for attempt in 0..<2 {
            let result = try await store.txn(
                Txn(
                    compares: [.absent(key)],
                    success: [.put(key: key, value: value, lease: lease.id)] + extra,
                    failure: [.get(.key(key))]
                ))
            if result.succeeded { return (lease, grantSentAt) }
            guard case .get(let kvs) = result.results.first, let holder = kvs.first else { break }
            if holder.lease == lease.id { return (lease, grantSentAt) }
            guard attempt == 0, let host, holder.lease != 0,
                let record = try? JSONDecoder().decode(MemberRecord.self, from: Data(holder.value)), record.host == host
            else { break }
            logger.warning(
                "member key held by a previous agent of this host: taking it over", metadata: ["lease": "\(holder.lease)"])
            try await store.revokeLease(holder.lease)
        }
        try? await store.revokeLease(lease.id)
        return nil
    }
}
