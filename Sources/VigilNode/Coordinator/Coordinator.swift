public import VigilCluster
import Foundation
public import Logging
public import VigilModel
public import VigilStore

/// The coordinator's runtime: while this node holds the coordinator term, every new view
/// is turned into a ``CoordinatorDecision`` and its assignment writes, each guarded by the
/// term (a deposed coordinator's writes fail) and by the assignment's mod revision (a view
/// gone stale fails instead of overwriting).
///
/// With `fencing: devices` it also fences lost nodes (``CoordinatorDecision/fences``):
/// one fence at a time per node, retried every ``fenceRetryInterval`` while it fails; a
/// success is recorded in `nodes/<node>/down` (guarded by the term), which releases the
/// node's resources for recovery.
public actor Coordinator {
    /// How long after a failed fence it is tried again.
    public static let fenceRetryInterval: Int64 = 5_000
    let store: any ClusterStore
    let keyspace: Keyspace
    let election: CoordinatorElection
    let node: String
    let wallClock: @Sendable () -> Timestamp
    let logger: Logger
    var awaitingRevision: Int64 = 0
    private var lastWaiting: [String] = []
    private var lastView: ClusterView?
    private var eventCounter = 0
    private let fencer: (any NodeFencer)?
    private let taskExecutor: (any TaskExecutor)?
    /// Node → its fence in flight.
    private var fencing: [String: Task<Void, Never>] = [:]
    /// Node → wall-clock milliseconds before which a failed fence is not retried.
    private var fenceRetryAt: [String: Int64] = [:]
    /// Node → the incarnation this coordinator fenced last (a view that does not show the
    /// record yet must not fence it twice).
    private var fenced: [String: Int64] = [:]
    private let clock: StoreClock
    /// Takes secrets out of event messages (a fence agent's output).
    private let redaction: RedactionSet
    /// Lost nodes' watchdog timeouts and when they were first seen lost (tracked on every
    /// agent, so that a newly elected coordinator knows them).
    private var watchdogRelease = WatchdogRelease()
    /// Node → the incarnation released by its watchdog timeout (written once).
    private var watchdogReleased: [String: Int64] = [:]
    /// Wakes the coordinator when the next watchdog timeout passes.
    private var watchdogWakeup: Task<Void, Never>?
    private var watchdogWakeupAt: Duration?
    /// How often the history is maintained (``maintainHistory()``).
    public static let historyInterval: Duration = .seconds(5)
    private var history = HistoryRetention()
    private var lastHistoryRun: Duration?
    /// The members at this coordinator's last decision, each with the resources it reported
    /// active, and the term they were seen in (a new term starts from what it sees).
    private var observedMembers: (term: Int64, members: [String: [String]])?

    /// Creates the coordinator runtime of `node`.
    ///
    /// - Parameters:
    ///   - fencer: fences lost nodes (nil: none is fenced, their resources wait).
    ///   - taskExecutor: where fences run (nil: the global executor).
    public init(
        store: any ClusterStore, keyspace: Keyspace, election: CoordinatorElection, node: String,
        wallClock: @escaping @Sendable () -> Timestamp, fencer: (any NodeFencer)? = nil, taskExecutor: (any TaskExecutor)? = nil,
        clock: any Clock<Duration> = ContinuousClock(), redaction: RedactionSet = RedactionSet(),
        logger: Logger = Logger(label: "vigil.node.coordinator")
    ) {
        self.redaction = redaction
        self.clock = StoreClock(clock)
        self.fencer = fencer
        self.taskExecutor = taskExecutor
        self.store = store
        self.keyspace = keyspace
        self.election = election
        self.node = node
        self.wallClock = wallClock
        var logger = logger
        logger[metadataKey: "node"] = "\(node)"
        self.logger = logger
    }

    /// Galera resource → what its last plan waited for (logged and recorded once).
    var galeraWaiting: [String: String] = [:]

    /// What the last decision waited for (empty when it planned).
    public var waitingFor: [String] { lastWaiting }

    /// Resources whose assignments are written in one transaction at most (up to three
    /// operations each: the assignment, its event, a clone's notification record; under
    /// etcd's default limit of 128 per transaction).
    static let assignmentsPerTxn = 40

    /// Decides on `view` (or the last view) and writes the assignments, when coordinator.
    /// - Returns: the number of assignments written.
    @discardableResult
    public func update(view: ClusterView? = nil) async -> Int {
        if let view {
            lastView = view
            if let config = view.config {
                let lost = StateBuilder.lostNodes(view: view, config: config).mapValues(\.member)
                watchdogRelease.observe(lost: lost, now: clock.now())
            }
        }
        guard let view = lastView, let term = await election.term else { return 0 }
        await recordMembershipChanges(view: view, term: term)
        if view.config?.cluster.fencing == .self { await releaseByWatchdog(view: view, term: term) }
        // Wait until the view includes our own last writes, so no step is written twice.
        guard view.revision >= awaitingRevision else { return 0 }
        let decision = CoordinatorCore.decide(view: view, term: term, now: wallClock())
        if decision.waitingFor != lastWaiting, !decision.waitingFor.isEmpty {
            logger.debug("waiting", metadata: ["for": "\(decision.waitingFor)"])
        }
        lastWaiting = decision.waitingFor
        if let config = view.config {
            for order in decision.fences { startFence(order, term: term, config: config) }
        }
        if let config = view.config {
            await applyGaleraPlans(view: view, config: config, term: term)
            await applyRabbitMQPlans(view: view, config: config, term: term)
        }
        // One transaction per batch (etcd allows 128 operations in one; each write is a put
        // and an event): the agents see a round's assignments at once — a chained step
        // together with what it waits for — and every write wakes every agent's watch once.
        var written = 0
        // A clone's notification record goes in the same transaction as the assignments it
        // allows: an agent never sees the actions without the stage that allowed them.
        let ordered = Set(decision.writes.keys).union(decision.notifications.keys).sorted()
        for start in stride(from: 0, to: ordered.count, by: Self.assignmentsPerTxn) {
            var compares: [Compare] = []
            var operations: [TxnOp] = []
            var summaries: [(String, String)] = []
            for resource in ordered[start..<min(ordered.count, start + Self.assignmentsPerTxn)] {
                var parts: [String] = []
                if let notification = decision.notifications[resource], let value = try? JSONEncoder().encode(notification) {
                    let key = keyspace.notification(resource)
                    compares.append(.unchanged(key, since: view.notifications[resource]?.modRevision ?? 0))
                    operations.append(.put(key: key, value: Array(value), lease: nil))
                    parts.append("notification \(notification.serial) \(notification.operation.rawValue) \(notification.stage.rawValue)")
                }
                if let record = decision.writes[resource], let value = try? JSONEncoder().encode(record) {
                    let key = keyspace.assignment(resource)
                    let summary = record.nodes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.role.rawValue)" }.joined(separator: " ")
                    compares.append(.unchanged(key, since: view.assignments[resource]?.modRevision ?? 0))
                    operations.append(.put(key: key, value: Array(value), lease: nil))
                    operations.append(eventOp(resource: resource, message: "assigned \(summary)"))
                    parts.insert(summary, at: 0)
                }
                guard !parts.isEmpty else { continue }
                summaries.append((resource, parts.joined(separator: "; ")))
            }
            guard !summaries.isEmpty else { continue }
            do {
                let result = try await election.guardedTxn(Txn(compares: compares, success: operations))
                awaitingRevision = max(awaitingRevision, result.revision)
                guard result.succeeded else {
                    logger.info("assignments not written: term or view stale", metadata: ["resources": "\(summaries.map(\.0))"])
                    break
                }
                written += summaries.count
                for (resource, summary) in summaries {
                    logger.info("assigned", metadata: ["resource": "\(resource)", "nodes": "\(summary)", "term": "\(term)"])
                }
            } catch {
                logger.warning("assignment write failed", metadata: ["resources": "\(summaries.map(\.0))", "error": "\(error)"])
                break
            }
        }
        return written
    }

    /// Records `nodes/<node>/down` (reason watchdog) for lost nodes whose watchdog timeout
    /// has passed since their lease expired, and wakes itself for the next one due.
    private func releaseByWatchdog(view: ClusterView, term: Int64) async {
        let (orders, next) = watchdogRelease.due(watchdogs: view.nodeWatchdog, now: clock.now())
        for order in orders where watchdogReleased[order.node] != order.member {
            if let down = view.nodeDown[order.node], down.member >= order.member { continue }
            let record = NodeDownRecord(
                member: order.member, reason: .watchdog, at: wallClock().description, by: "\(node): lease expired + watchdog timeout")
            guard let value = try? JSONEncoder().encode(record) else { continue }
            let message = "\(order.node): lease expired and its watchdog timeout passed: counted as stopped"
            do {
                let result = try await election.guardedTxn(
                    Txn(success: [
                        .put(key: keyspace.nodeDown(order.node), value: Array(value), lease: nil),
                        eventOp(resource: nil, kind: "watchdog-expired", message: message),
                    ]))
                if result.succeeded {
                    watchdogReleased[order.node] = order.member
                    awaitingRevision = max(awaitingRevision, result.revision)
                    logger.critical("lost node released by its watchdog timeout", metadata: ["target": "\(order.node)"])
                }
            } catch {
                logger.warning("watchdog release not recorded", metadata: ["target": "\(order.node)", "error": "\(error)"])
            }
        }
        guard let next, next != watchdogWakeupAt else { return }
        watchdogWakeupAt = next
        watchdogWakeup?.cancel()
        let clock = self.clock
        watchdogWakeup = Task(executorPreference: taskExecutor) { [weak self] in
            do { try await clock.sleepUntil(next) } catch { return }
            await self?.update()
        }
    }

    /// While coordinator, at most every ``historyInterval``: deletes the events beyond
    /// `events-keep` and older than `events-max-age`, and compacts etcd's history older
    /// than `history-retention` (``HistoryRetention``). Failures are logged and tried again
    /// next time.
    public func maintainHistory() async {
        guard let view = lastView, let config = view.config, await election.term != nil else { return }
        let now = clock.now()
        history.sample(revision: view.revision, now: now)
        if let last = lastHistoryRun, now - last < Self.historyInterval { return }
        lastHistoryRun = now
        let cluster = config.cluster
        let events = keyspace.events
        do {
            var deletes: [TxnOp] = []
            var end = HistoryRetention.ageCutoffKey(events: events, nowMilliseconds: wallClock().millisecondsSinceEpoch, maxAge: cluster.eventsMaxAge)
            // The keys are read only when there are more than to keep (etcd counts cheaply).
            if try await store.count(.prefix(events)) > cluster.eventsKeep {
                let newest = try await store.keysFromLast(cluster.eventsKeep + 1, of: .prefix(events))
                if let byCount = HistoryRetention.countCutoffEnd(newestFirst: newest, keep: cluster.eventsKeep), byCount > end { end = byCount }
            }
            // A delete that matches nothing writes no revision.
            deletes.append(.delete(.between(events, end)))
            if !deletes.isEmpty {
                let result = try await election.guardedTxn(Txn(success: deletes))
                // Events do not move the view's revision: sample the store's own.
                history.sample(revision: result.revision, now: now)
                if result.succeeded, case .delete(let deleted)? = result.results.first, deleted > 0 {
                    logger.info("old events deleted", metadata: ["deleted": "\(deleted)", "keep": "\(cluster.eventsKeep)"])
                }
            }
            if let revision = history.compaction(now: now, retention: cluster.historyRetention) {
                try await store.compact(revision)
                logger.info("etcd history compacted", metadata: ["revision": "\(revision)"])
            }
        } catch {
            logger.warning("history maintenance failed", metadata: ["error": "\(error)"])
        }
    }

    /// Cancels the fences in flight and waits for them (the agent is stopping).
    public func shutdown() async {
        watchdogWakeup?.cancel()
        await watchdogWakeup?.value
        let running = fencing.keys.sorted().compactMap { fencing[$0] }
        fencing.removeAll()
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    // MARK: - Fencing

    private func startFence(_ order: FenceOrder, term: Int64, config: ClusterConfig) {
        // Never its own node: this agent is that node's new incarnation, and what runs here
        // is known from its own probes (the view may simply not show it as a member yet).
        guard let fencer, order.node != node, fencing[order.node] == nil, fenced[order.node] != order.member else { return }
        let now = wallClock().millisecondsSinceEpoch
        if let retryAt = fenceRetryAt[order.node], now < retryAt { return }
        logger.critical("fencing lost node", metadata: ["target": "\(order.node)", "incarnation": "\(order.member)", "term": "\(term)"])
        fencing[order.node] = Task(executorPreference: taskExecutor) { [weak self] in
            let outcome = await fencer.fence(order.node, config: config)
            await self?.fenceEnded(order, term: term, outcome: outcome)
        }
    }

    private func fenceEnded(_ order: FenceOrder, term: Int64, outcome: NodeFenceOutcome) async {
        fencing[order.node] = nil
        guard !Task.isCancelled else { return }
        guard outcome.succeeded else {
            fenceRetryAt[order.node] = wallClock().millisecondsSinceEpoch + Self.fenceRetryInterval
            logger.error("fencing failed", metadata: ["target": "\(order.node)", "error": "\(outcome.message)"])
            _ = try? await election.guardedTxn(Txn(success: [eventOp(resource: nil, kind: "fence-failed", message: outcome.message)]))
            return
        }
        fenceRetryAt[order.node] = nil
        let record = NodeDownRecord(
            member: order.member, reason: .fenced, at: wallClock().description, by: "\(node) with \(outcome.device ?? "?")")
        guard let value = try? JSONEncoder().encode(record) else { return }
        do {
            let result = try await election.guardedTxn(
                Txn(success: [
                    .put(key: keyspace.nodeDown(order.node), value: Array(value), lease: nil),
                    eventOp(resource: nil, kind: "fenced", message: outcome.message),
                ]))
            if result.succeeded {
                fenced[order.node] = order.member
                logger.critical("fenced", metadata: ["target": "\(order.node)", "by": "\(outcome.device ?? "?")"])
            } else {
                logger.warning("fence not recorded: no longer coordinator", metadata: ["target": "\(order.node)"])
            }
        } catch {
            // The next decision fences again: a node fenced twice is still fenced.
            logger.warning("fence not recorded", metadata: ["target": "\(order.node)", "error": "\(error)"])
        }
        await update()
    }

    /// Records nodes that stopped being members (`node-lost`, with what they ran) and nodes
    /// that became members (`node-joined`) since the last decision of this term, as events
    /// for the timeline (`vigil events`, the status page).
    private func recordMembershipChanges(view: ClusterView, term: Int64) async {
        var current: [String: [String]] = [:]
        for node in view.members.keys {
            current[node] = (view.status[node] ?? [:]).filter { $0.value.state.isActive }.keys.sorted()
        }
        let previous = observedMembers?.term == term ? observedMembers?.members : nil
        observedMembers = (term, current)
        guard let previous, Set(previous.keys) != Set(current.keys) else { return }
        var operations: [TxnOp] = []
        for (node, active) in previous.sorted(by: { $0.key < $1.key }) where current[node] == nil {
            let message =
                active.isEmpty
                ? "\(node) is no longer a member (its agent stopped, or its lease expired)"
                : "\(node) lost while running \(active.joined(separator: ", ")) (its member lease ended)"
            operations.append(eventOp(resource: nil, kind: "node-lost", message: message))
        }
        for node in current.keys.sorted() where previous[node] == nil {
            operations.append(eventOp(resource: nil, kind: "node-joined", message: "\(node) joined"))
        }
        guard !operations.isEmpty else { return }
        do {
            _ = try await election.guardedTxn(Txn(success: operations))
        } catch {
            logger.debug("membership event not recorded", metadata: ["error": "\(error)"])
        }
    }

    func eventOp(resource: String?, kind: String = "assigned", message: String) -> TxnOp {
        let now = wallClock()
        eventCounter += 1
        let record = EventRecord(time: now.description, node: node, resource: resource, kind: kind, message: redaction.redact(message))
        return keyspace.eventPut(record, at: now.millisecondsSinceEpoch, counter: eventCounter, writer: node)
    }
}
