public import VigilCluster
import Foundation
public import Logging
public import VigilHealth
public import VigilModel
public import VigilStore

/// A node agent: membership with self-fencing, coordinator election, the coordinator (on
/// the elected node) and the reconciler, all fed by one watch of the cluster's keyspace.
///
/// ``run()`` runs until its task is cancelled (a crash, as far as the cluster can tell: the
/// lease expires) or ``leave()`` is called (a graceful stop: resources are stopped, the
/// coordinator term resigned and the lease revoked, so others take over at once).
public actor Agent {
    /// The options.
    public nonisolated let options: AgentOptions
    /// The reconciler (for the HTTP API and tests).
    public nonisolated let reconciler: Reconciler
    /// The coordinator runtime.
    public nonisolated let coordinator: Coordinator
    /// The election.
    public nonisolated let election: CoordinatorElection

    /// The store the agent coordinates through.
    public nonisolated let store: any ClusterStore
    private let keyspace: Keyspace
    private let clock: any Clock<Duration>
    private let wallClock: @Sendable () -> Timestamp
    private let logger: Logger
    private var membership: Membership?
    private var latest: ClusterView
    /// The configuration whose secret files the redaction knows.
    private var redactedConfig: ClusterConfig?
    private var viewWaiters: [CheckedContinuation<Void, Never>] = []
    private var leaving = false
    private var hasLeft = false
    private var leaveCompleted = false
    private let left: (stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation) = AsyncStream.makeStream()
    /// The watchdog, when one is configured.
    public nonisolated let watchdog: WatchdogKeeper?
    /// The self-fence last reported to the store (`nodes/<node>/down`, reason self-fenced).
    private var reportedSelfFence: Int64?

    /// Creates an agent.
    ///
    /// - Parameters:
    ///   - factory: makes the executors of local resources.
    ///   - clock: every wait and timeout (a test clock in simulation).
    ///   - wallClock: the time written in records.
    ///   - reconcilerEvents: told of every operation and failure (metrics).
    ///   - fencer: fences lost nodes while this agent coordinates (`fencing: devices`).
    ///   - watchdog: the keeper of ``AgentOptions/watchdog`` (made by the caller, which
    ///     reports a device that cannot be used before the agent starts).
    public init(
        options: AgentOptions, store: any ClusterStore, keyspace: Keyspace, factory: any ResourceHandleFactory,
        clock: any Clock<Duration> = EventLoopClock(), wallClock: @escaping @Sendable () -> Timestamp = Agent.systemTime,
        healthChecker: HealthChecker? = nil, reconcilerEvents: (@Sendable (ReconcilerEvent) -> Void)? = nil,
        fencer: (any NodeFencer)? = DeviceFencer(), watchdog: WatchdogKeeper? = nil, logger: Logger = Logger(label: "vigil.node")
    ) {
        self.watchdog = watchdog
        self.options = options
        self.store = store
        self.keyspace = keyspace
        self.clock = clock
        self.wallClock = wallClock
        var logger = logger
        logger[metadataKey: "node"] = "\(options.node)"
        self.logger = logger
        self.latest = ClusterView(keyspace: keyspace)
        self.election = CoordinatorElection(store: store, node: options.node, keyPrefix: keyspace.prefix, logger: logger)
        var startGate: (@Sendable () async -> String?)?
        if let watchdog {
            startGate = { await watchdog.arm() }
        }
        self.reconciler = Reconciler(
            node: options.node, store: store, keyspace: keyspace, factory: factory, clock: clock, wallClock: wallClock,
            healthChecker: healthChecker, events: reconcilerEvents, taskExecutor: options.taskExecutor,
            startGate: startGate, redaction: options.redaction, logger: logger)
        self.coordinator = Coordinator(
            store: store, keyspace: keyspace, election: election, node: options.node, wallClock: wallClock, fencer: fencer,
            taskExecutor: options.taskExecutor, clock: clock, redaction: options.redaction, logger: logger)
    }

    /// The wall-clock time now.
    public static let systemTime: @Sendable () -> Timestamp = {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }

    /// The latest view of the cluster.
    public var view: ClusterView { latest }

    /// The member lease, while a member.
    public var lease: Int64? {
        get async { await membership?.lease }
    }

    /// Whether the member lease is confirmed with its self-fence margin to spare: what a
    /// role only one node may hold (the Galera writer) is answered for only then, so that
    /// it ends here before the lease can expire and a successor be chosen.
    public var leaseConfirmed: Bool {
        get async {
            guard let membership else { return false }
            return await membership.leaseConfirmed
        }
    }

    /// How well the lease renewals keep up, and how often the agent self-fenced.
    public var renewals: (stats: RenewalStats, selfFences: Int) {
        get async {
            guard let membership else { return (RenewalStats(), 0) }
            return (await membership.renewals, await membership.fences)
        }
    }

    /// Runs the agent until the task is cancelled or ``leave()`` completes.
    public func run() async {
        let initial = await readInitialView()
        let ttl = initial?.config?.cluster.nodeLossTimeout ?? options.defaultNodeLossTimeout
        let policy = MembershipPolicy(ttl: ttl, safetyMargin: initial?.config?.cluster.selfFenceMargin)
        let noQuorumPolicy = initial?.config?.cluster.noQuorumPolicy ?? .stop
        let reconciler = self.reconciler
        let election = self.election
        // The stops (escalated to a cgroup kill, then confirmed) must end before the lease
        // can expire: four fifths of the margin, the rest for scheduling.
        let fenceBudget = ConfirmedStop.Budget.splitting(policy.safetyMargin * 4 / 5)
        let record = MemberRecord(address: options.address, started: wallClock().description, host: options.hostIdentity)
        // The watchdog record goes with every join, and goes away when there is none: peers
        // must never wait on (or trust) an earlier incarnation's watchdog.
        var joinOps: [TxnOp] = [.delete(.key(keyspace.nodeWatchdog(options.node)))]
        let watchdog = self.watchdog
        let watchdogLead = watchdog.map { WatchdogRule.lead(policy: policy, timeout: $0.timeout) } ?? policy.safetyMargin
        if let watchdog {
            let published = NodeWatchdogRecord(
                timeoutMs: Int64(watchdog.timeout / .milliseconds(1)),
                releaseAfterMs: Int64((WatchdogRule.releaseAfter(policy: policy, timeout: watchdog.timeout) / .milliseconds(1)).rounded(.up)))
            if let value = try? JSONEncoder().encode(published) {
                joinOps = [.put(key: keyspace.nodeWatchdog(options.node), value: Array(value), lease: nil)]
            }
        }
        let membership = Membership(
            store: store, node: options.node, record: record, policy: policy,
            keyPrefix: keyspace.prefix, clock: clock, logger: logger, joinOps: joinOps
        ) { lease in
            await election.depose()
            await reconciler.selfFence(lease: lease, everything: noQuorumPolicy == .stop, budget: fenceBudget)
            // Fed again at once when every stop was confirmed: with an early lead the reset
            // is due soon after the self-fence's budget.
            await watchdog?.tick(leaseConfirmed: false, holdsGuarded: await reconciler.holdsGuarded)
        }
        self.membership = membership
        logger.info("agent starting", metadata: ["ttl": "\(ttl)", "keyspace": "\(keyspace.prefix)"])
        // Armed at once: a restarted agent must take over a watchdog its crashed
        // predecessor left armed before it expires (the machine would reset). A start is
        // refused while it cannot be armed (the reconciler's start gate tries again).
        if let watchdog { _ = await watchdog.arm() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await membership.run() }
            group.addTask { [clock] in
                await election.run(lease: { await membership.lease }, retryInterval: policy.retryInterval, clock: clock)
            }
            group.addTask { await self.watchLoop() }
            group.addTask { await self.tickLoop() }
            if let watchdog = self.watchdog {
                group.addTask {
                    await Self.feedLoop(watchdog, lead: watchdogLead, membership: membership, reconciler: reconciler, clock: self.clock)
                }
            }
            group.addTask { [left] in
                for await _ in left.stream { return }
            }
            // Only a completed leave (the `left` task) or cancellation ends the agent: the
            // membership loop ends as soon as the lease is given up, before the revoke returns.
            while await group.next() != nil {
                if leaveCompleted || Task.isCancelled { break }
            }
            group.cancelAll()
        }
        await coordinator.shutdown()
        await reconciler.shutdown()
        await watchdog?.close(holdsGuarded: await reconciler.holdsGuarded)
    }

    /// Feeds the watchdog by ``WatchdogRule`` (with `lead` before the lease can expire)
    /// until cancelled.
    private static func feedLoop(
        _ watchdog: WatchdogKeeper, lead: Duration, membership: Membership, reconciler: Reconciler, clock: any Clock<Duration>
    ) async {
        let interval = WatchdogRule.feedInterval(timeout: watchdog.timeout)
        while !Task.isCancelled {
            await watchdog.tick(leaseConfirmed: await membership.leaseConfirmed(lead: lead), holdsGuarded: await reconciler.holdsGuarded)
            do { try await clock.sleep(for: interval) } catch { return }
        }
    }

    /// Leaves gracefully: stops local resources (reporting them stopped), resigns the
    /// coordinator term and revokes the member lease; ``run()`` then returns. When a stop
    /// could not be confirmed, the lease is not revoked but left to expire (the node is
    /// unclean). Calling it again does nothing.
    public func leave() async {
        guard !hasLeft else { return }
        hasLeft = true
        leaving = true
        logger.info("leaving: stopping local resources")
        let lease = await membership?.lease
        let incarnation = latest.members[options.node].flatMap { $0.lease == lease ? $0.incarnation : nil }
        await reconciler.stopAll(incarnation: incarnation)
        let clean = await reconciler.everythingStopped
        if let incarnation, clean {
            await recordCleanLeave(incarnation)
        }
        try? await election.resign()
        if clean {
            try? await membership?.leave()
        } else {
            // A stop not confirmed: the node stays unclean, and its lease runs out rather
            // than being revoked, so that peers wait at least as long as its watchdog does.
            logger.critical("leaving with a stop not confirmed: this node stays unclean")
            await membership?.abandon()
        }
        leaveCompleted = true
        left.continuation.finish()
    }

    /// Records that this incarnation ended with nothing running (`nodes/<node>/down`), so
    /// that with `fencing: devices` the node is not fenced for what it was assigned. Written
    /// only while still the member it names.
    private func recordCleanLeave(_ incarnation: Int64) async {
        let record = NodeDownRecord(member: incarnation, reason: .left, at: wallClock().description, by: options.node)
        guard let value = try? JSONEncoder().encode(record) else { return }
        do {
            _ = try await store.txn(
                Txn(
                    compares: [.created(keyspace.member(options.node), at: incarnation)],
                    success: [.put(key: keyspace.nodeDown(options.node), value: Array(value), lease: nil)]))
        } catch {
            logger.warning("cannot record the clean leave; the node may be fenced", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Loops

    private func readInitialView() async -> ClusterView? {
        do {
            let range = try await keyspace.readView(store)
            return ClusterView(keyspace: keyspace, range: range)
        } catch {
            logger.warning("cannot read the cluster yet", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private func watchLoop() async {
        while !Task.isCancelled && !leaving {
            do {
                let range = try await keyspace.readView(store)
                await publish(ClusterView(keyspace: keyspace, range: range))
                var view = latest
                for try await update in store.watch(prefix: keyspace.prefix, fromRevision: range.revision + 1, previousValues: false) {
                    guard case .events(let events, let revision) = update else { break }
                    if view.apply(events, revision: revision) {
                        await publish(view)
                    } else {
                        // Nothing to plan from (events, health reports): the health
                        // endpoints still read the latest reports.
                        latest = view
                    }
                    if leaving { return }
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("watch failed; re-reading", metadata: ["error": "\(error)"])
                do { try await clock.sleep(for: .milliseconds(200)) } catch { return }
            }
        }
    }

    private func tickLoop() async {
        while !Task.isCancelled && !leaving {
            do { try await clock.sleep(for: options.coordinatorTick) } catch { return }
            await syncIdentity()
            await reconciler.retryWrites()
            await coordinator.update()
            await coordinator.maintainHistory()
        }
    }

    private func publish(_ view: ClusterView) async {
        if let config = view.config, config != redactedConfig {
            // Before anything acts on the new configuration: its secrets are known first.
            options.redaction.update(config: config)
            redactedConfig = config
        }
        latest = view
        await syncIdentity()
        if leaving { return }
        await reconciler.update(view: view)
        await coordinator.update(view: view)
        let waiters = viewWaiters
        viewWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    private func syncIdentity() async {
        let lease = await membership?.lease
        var identity: ReconcilerIdentity?
        if let lease, let member = latest.members[options.node], member.lease == lease {
            identity = ReconcilerIdentity(lease: lease, incarnation: member.incarnation)
        }
        if leaving { identity = nil }
        await reconciler.setIdentity(identity)
        if let identity { await reportSelfFence(from: identity) }
    }

    /// Once a member again after a self-fence whose stops were all confirmed, records that
    /// the fenced incarnation ended with nothing running (`nodes/<node>/down`, reason
    /// self-fenced), so its resources are released without an operator. A self-fence with
    /// a stop not confirmed is never reported: that node stays unclean.
    private func reportSelfFence(from identity: ReconcilerIdentity) async {
        guard let outcome = await reconciler.lastSelfFence, let fenced = outcome.incarnation, outcome.clean,
            fenced < identity.incarnation, reportedSelfFence != fenced
        else { return }
        if let down = latest.nodeDown[options.node], down.member >= fenced {
            reportedSelfFence = fenced
            return
        }
        let record = NodeDownRecord(member: fenced, reason: .selfFenced, at: wallClock().description, by: options.node)
        guard let value = try? JSONEncoder().encode(record) else { return }
        do {
            let result = try await store.txn(
                Txn(
                    compares: [.created(keyspace.member(options.node), at: identity.incarnation)],
                    success: [.put(key: keyspace.nodeDown(options.node), value: Array(value), lease: nil)]))
            if result.succeeded {
                reportedSelfFence = fenced
                logger.notice("reported the self-fence of an earlier incarnation", metadata: ["incarnation": "\(fenced)"])
            }
        } catch {
            logger.warning("cannot report the self-fence yet", metadata: ["error": "\(error)"])
        }
    }
}
