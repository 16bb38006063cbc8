public import VigilCluster
import Foundation
public import Logging
import VigilAgents
public import VigilHealth
public import VigilModel
public import VigilStore

/// Converges the resources of one node to the coordinator's assignments.
///
/// It probes every configured resource before anything else, reports what it finds
/// (`status/<node>/<resource>`, under the member lease) and marks the member ready; then
/// it performs, for each resource, the next operation towards its assignment entry — only
/// entries for its own incarnation count. Running resources are monitored at their
/// interval, supervised processes are watched for exits (noticed at once), and health
/// probes run; a failure is reported (`failed`, failcount + 1) and left to the coordinator
/// to recover. Operations on different resources run concurrently, one at a time per
/// resource. Every input arrives through this actor, so decisions see one consistent state.
public actor Reconciler {
    /// The node this reconciler runs on.
    public nonisolated let node: String

    let store: any ClusterStore
    let keyspace: Keyspace
    private let factory: any ResourceHandleFactory
    let clock: StoreClock
    let wallClock: @Sendable () -> Timestamp
    private let healthChecker: HealthChecker?
    private let metrics: (@Sendable (ReconcilerEvent) -> Void)?
    private let taskExecutor: (any TaskExecutor)?
    /// Takes secrets out of what is written to etcd.
    let redaction: RedactionSet
    private let startGate: (@Sendable () async -> String?)?
    let logger: Logger

    var view: ClusterView
    var identity: ReconcilerIdentity?
    private var fencedLeases: Set<Int64> = []
    var fenceEpoch = 0
    private var readyReported: Int64?
    /// The incarnation whose readiness is being written: `evaluate` runs again while the
    /// write awaits (actor reentrancy), and must not write it again (each write of the member
    /// key wakes every agent's watch).
    private var readyReporting: Int64?
    var locals: [String: LocalResource] = [:]
    private var tasks: [Int: Task<Void, Never>] = [:]
    /// The task of each resource's latest operation (probe, start, stop, promote, demote).
    var operations: [String: Task<Void, Never>] = [:]
    private var nextTaskID = 0
    private var eventCounter = 0
    private var configSeen: ClusterConfig?
    var shuttingDown = false
    /// Resources whose last status write failed (store unreachable): retried by ``retryWrites()``.
    private var unreported: Set<String> = []
    /// Failcount increments the store refused, by resource: retried by ``retryWrites()``.
    private var pendingFailcounts: [String: PendingFailcount] = [:]
    /// Resources whose failcount is being written (one writer per key at a time).
    private var failcountsWriting: Set<String> = []

    /// Creates a reconciler; it does nothing until fed a view (``update(view:)``).
    ///
    /// - Parameters:
    ///   - wallClock: the time written in status records and failcounts.
    ///   - healthChecker: runs health probes; nil runs none (simulation).
    ///   - events: told about every finished operation and failure (metrics).
    ///   - taskExecutor: where operations and process watchers run (nil: the global executor).
    ///   - startGate: asked before a resource starts or is promoted (the watchdog is armed
    ///     there, so a hung agent's host is reset whatever it runs); a reason returned
    ///     fails the start.
    public init(
        node: String, store: any ClusterStore, keyspace: Keyspace, factory: any ResourceHandleFactory,
        clock: any Clock<Duration> = ContinuousClock(), wallClock: @escaping @Sendable () -> Timestamp,
        healthChecker: HealthChecker? = nil, events: (@Sendable (ReconcilerEvent) -> Void)? = nil,
        taskExecutor: (any TaskExecutor)? = nil, startGate: (@Sendable () async -> String?)? = nil,
        redaction: RedactionSet = RedactionSet(), logger: Logger = Logger(label: "vigil.node.reconciler")
    ) {
        self.redaction = redaction
        self.startGate = startGate
        self.node = node
        self.store = store
        self.keyspace = keyspace
        self.factory = factory
        self.clock = StoreClock(clock)
        self.wallClock = wallClock
        self.healthChecker = healthChecker
        self.metrics = events
        self.taskExecutor = taskExecutor
        var logger = logger
        logger[metadataKey: "node"] = "\(node)"
        self.logger = logger
        self.view = ClusterView(keyspace: keyspace)
    }

    /// The local resources, by name.
    public var resources: [String: LocalResource] { locals }

    /// Whether every local resource is known stopped (after ``stopAll()``: the leave was clean).
    public var everythingStopped: Bool { locals.values.allSatisfy { $0.state == .stopped } }

    /// Whether every configured resource has been probed.
    public var probed: Bool { locals.values.allSatisfy { $0.state != nil } && configSeen != nil }

    /// Feeds the latest view of the cluster.
    public func update(view: ClusterView) async {
        self.view = view
        await evaluate()
    }

    /// Sets the incarnation to act for (nil while not a member: nothing new is started).
    /// A new incarnation re-reports every resource's status under its lease.
    public func setIdentity(_ identity: ReconcilerIdentity?) async {
        // An identity read before a self-fence may arrive after it: a fenced lease never
        // acts again (its assignments would restart what the fence just stopped).
        if let identity, fencedLeases.contains(identity.lease) { return }
        guard identity != self.identity else { return }
        self.identity = identity
        readyReported = nil
        unreported.removeAll()
        if identity != nil {
            for name in locals.keys.sorted() where locals[name]?.state != nil {
                await writeStatus(name, event: nil)
            }
        }
        await evaluate()
    }

    /// Self-fence: stops every exclusive resource now (every resource when `everything`),
    /// within `budget` each (``ConfirmedStop``: a stop that fails or hangs is escalated to
    /// killing the resource's cgroup), and acts on no assignment until a new identity is
    /// set. A resource whose stop is not confirmed stays `failed`: the outcome
    /// (``lastSelfFence``) says whether the node may be reported down.
    /// - Returns: whether every stop was confirmed.
    @discardableResult
    public func selfFence(lease: Int64, everything: Bool, budget: ConfirmedStop.Budget) async -> Bool {
        fencedLeases.insert(lease)
        fenceEpoch += 1
        let incarnation = identity?.incarnation
        if let current = identity?.lease { fencedLeases.insert(current) }
        identity = nil
        readyReported = nil
        let victims = locals.filter { _, local in
            ResourceLifecycle.stoppedBySelfFence(
                active: local.isActive, busy: local.busy != nil, exclusive: local.isExclusive, everything: everything)
        }.keys.sorted()
        logger.critical("self-fence: stopping resources", metadata: ["resources": "\(victims)"])
        // An operation in flight is cut short (an executor kills what it runs when its task
        // is cancelled; one not yet begun is abandoned), and not waited for: the stops
        // below must end before the lease can expire. A start that still completes is
        // stopped again when it does (``finish``: fenced while it ran).
        for name in victims { operations[name]?.cancel() }
        let confirmed = await withTaskGroup(of: (String, ConfirmedStop.Outcome).self, returning: [String: ConfirmedStop.Outcome].self) {
            group in
            for name in victims {
                guard var local = locals[name] else { continue }
                local.generation += 1
                locals[name] = local
                let executor = local.handle.executor
                let cgroup = local.handle.cgroup
                group.addTask { (name, await ConfirmedStop.perform(executor: executor, cgroup: cgroup, budget: budget)) }
            }
            var outcomes: [String: ConfirmedStop.Outcome] = [:]
            for await (name, outcome) in group { outcomes[name] = outcome }
            return outcomes
        }
        var unconfirmed: [String] = []
        for name in victims {
            let outcome = confirmed[name]
            locals[name]?.since = wallClock().description
            locals[name]?.health = nil
            locals[name]?.checks = [:]
            let state = ResourceLifecycle.afterSelfFence(confirmed: outcome?.confirmed == true)
            locals[name]?.state = state
            if state != .stopped {
                unconfirmed.append(name)
                locals[name]?.message = "self-fence: stop not confirmed: \(outcome?.result.output ?? "?")"
            }
        }
        // An earlier fence of the same incarnation that left something unconfirmed stays so.
        let earlier = lastSelfFence.flatMap { $0.incarnation == incarnation ? $0.unconfirmed : nil } ?? []
        lastSelfFence = SelfFenceOutcome(incarnation: incarnation, unconfirmed: Array(Set(earlier + unconfirmed)).sorted())
        if unconfirmed.isEmpty {
            logger.critical("self-fence: every stop confirmed", metadata: ["resources": "\(victims)"])
        } else {
            logger.critical("self-fence: stop NOT confirmed; this node stays unclean", metadata: ["resources": "\(unconfirmed)"])
        }
        return unconfirmed.isEmpty
    }

    /// The outcome of the last self-fence (nil: none yet).
    public private(set) var lastSelfFence: SelfFenceOutcome?

    /// Whether anything here must not outlive the lease unnoticed: an exclusive resource
    /// that may be running (or is being started or stopped), or any resource whose stop was
    /// not confirmed (`failed`) — what a watchdog must cover. Healthy clone instances are
    /// not (with `no-quorum-policy: freeze` or `ignore` they may keep running on purpose).
    public var holdsGuarded: Bool {
        locals.values.contains { ($0.isExclusive && ($0.isActive || $0.busy != nil)) || $0.state == .failed }
    }

    /// Stops every active resource (graceful leave), each bounded by its stop timeout.
    /// `incarnation`: the membership being left (the reconciler's identity may already be
    /// gone), under which a RabbitMQ node's clean stop is still recorded.
    public func stopAll(incarnation: Int64? = nil) async {
        shuttingDown = true
        for id in tasks.keys.sorted() { tasks[id]?.cancel() }
        // Every operation in flight ends first — cancelled, so a start not yet begun is
        // abandoned and one running is cut short by its executor — so that nothing this
        // agent started can come up after the stops below.
        for name in operations.keys.sorted() { await operations[name]?.value }
        let active = locals.filter { $0.value.isActive || $0.value.busy != nil }.keys.sorted()
        // A stop that fails leaves the resource `failed`: the leave is then not clean
        // (``everythingStopped``), and with fence devices the node is fenced. Dependents
        // stop first (``LeaveStopOrder``); what a failed stop's resource depends on is not
        // stopped under it, and is left `failed` (possibly running) too.
        var stopped: Set<String> = []
        var skipped: Set<String> = []
        let dependents = LeaveStopOrder.dependents(in: configSeen)
        for wave in LeaveStopOrder.waves(active, dependents: dependents) {
            // Left running (for the fence) when something that depends on it did not stop.
            let ready = wave.filter { name in dependents[name, default: []].allSatisfy { !active.contains($0) || stopped.contains($0) } }
            skipped.formUnion(Set(wave).subtracting(ready))
            stopped.formUnion(await withTaskGroup(of: (String, Bool).self, returning: Set<String>.self) { group in
                for name in ready {
                    guard var local = locals[name] else { continue }
                    local.generation += 1
                    locals[name] = local
                    let executor = local.handle.executor
                    let cgroup = local.handle.cgroup
                    let budget = Self.stopBudget(local.config)
                    group.addTask {
                        let outcome = await ConfirmedStop.perform(executor: executor, cgroup: cgroup, budget: budget)
                        return (name, outcome.confirmed)
                    }
                }
                var stopped: Set<String> = []
                for await (name, succeeded) in group where succeeded { stopped.insert(name) }
                return stopped
            })
        }
        for name in active {
            let succeeded = stopped.contains(name)
            locals[name]?.state = succeeded ? .stopped : .failed
            let event =
                succeeded ? "stopped (agent leaving)"
                : skipped.contains(name) ? "not stopped: what depends on it did not stop (agent leaving)" : "stop failed (agent leaving)"
            if identity != nil { await writeStatus(name, event: event) }
            // A RabbitMQ node's clean stop is recorded too: it orders the stops.
            if locals[name]?.handle.rabbitmq != nil {
                await rabbitmqFinished(name, .stop, succeeded: succeeded, incarnation: incarnation)
            }
        }
    }

    /// Cancels every task this reconciler owns (monitors, probes, operations) and waits for them.
    public func shutdown() async {
        shuttingDown = true
        let running = tasks.keys.sorted().compactMap { tasks[$0] }
        tasks.removeAll()
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    /// Retries what a store failure left undone: failcount increments, status writes that
    /// failed and the member's ready report. Without it a status lost to a transient store
    /// error stays stale forever in a quiet cluster (nothing else re-triggers the write),
    /// and the coordinator, which waits for every assignment to settle, waits forever; a
    /// lost failcount would hide a failure from `migration-threshold`.
    public func retryWrites() async {
        guard !shuttingDown else { return }
        for name in pendingFailcounts.keys.sorted() { await writeFailcounts(name) }
        guard identity != nil else { return }
        for name in unreported.sorted() { await writeStatus(name, event: nil) }
        await evaluate()
    }

    // MARK: - Deciding

    func evaluate() async {
        guard !shuttingDown, let config = view.config else { return }
        if config != configSeen { syncResources(config) }
        let configured = Set(config.resources.map(\.name))
        for name in locals.keys.sorted() {
            guard let local = locals[name], local.busy == nil else { continue }
            if let notification = dueNotification(name) {
                // A clone notification first: the coordinator hands out nothing for this
                // clone until the notified instances have answered.
                beginNotification(name, notification)
                continue
            }
            guard configured.contains(name) else {
                // No longer configured: its stop began when the configuration changed; once
                // stopped it is forgotten. Never started again, whatever assignment is left.
                if !local.isActive { locals[name] = nil }
                continue
            }
            let entry = identity.flatMap { identity in view.liveEntry(name, on: node).flatMap { $0.member == identity.incarnation ? $0 : nil } }
            let situation = ResourceLifecycle.Situation(
                state: local.state, stale: local.stale, member: identity != nil, assigned: entry?.role,
                promotable: local.config.isPromotable, retryAfter: local.retryAfter, now: clock.now())
            guard let operation = ResourceLifecycle.next(situation) else {
                if local.clusterWaiting, local.handle.galera == nil, local.handle.rabbitmq == nil {
                    // A chained start that no longer has to start here.
                    locals[name]?.clusterWaiting = false
                    locals[name]?.message = nil
                    await writeStatus(name, event: nil)
                }
                continue
            }
            if let entry, let after = entry.after, !after.isEmpty, !local.stale,
                (operation == .start && entry.role != .stopped) || (operation == .stop && entry.role == .stopped)
            {
                guard await chainAllows(name, operation, after: after) else { continue }
                // The wait above may have suspended: act only on what still holds.
                guard let current = locals[name], current.busy == nil, current.state == local.state else { continue }
            }
            if operation == .start, local.handle.galera != nil {
                // A Galera node starts only as the cluster decides (bootstrap or join).
                await galeraGate(name)
            } else if operation == .start, local.handle.rabbitmq != nil {
                // So does a RabbitMQ node (new cluster, member, join or force_boot).
                await rabbitmqGate(name)
            } else {
                begin(operation, on: name)
            }
        }
        if let identity, readyReported != identity.incarnation, readyReporting != identity.incarnation, probed {
            readyReporting = identity.incarnation
            await reportReady(identity)
            if readyReporting == identity.incarnation { readyReporting = nil }
        }
    }

    /// Adds newly configured resources (to be probed), replaces the handles of changed
    /// ones once stopped, and stops resources no longer configured.
    private func syncResources(_ config: ClusterConfig) {
        configSeen = config
        // As they run here: this node's node-params (another node's change changes nothing here).
        let configured = Dictionary(config.resources.map { ($0.name, $0.resolved(on: node)) }, uniquingKeysWith: { first, _ in first })
        for (name, resource) in configured.sorted(by: { $0.key < $1.key }) {
            if var local = locals[name] {
                guard local.config != resource else { continue }
                if local.config.startDefinition == resource.startDefinition {
                    // Only what is applied to a running instance changed (RabbitMQ policies):
                    // no restart; the running node's duties take the new definition in.
                    local.config = resource
                    locals[name] = local
                } else if local.isActive || local.busy != nil {
                    local.stale = true
                    locals[name] = local
                } else if let handle = makeHandle(resource, config) {
                    local.config = resource
                    local.handle = handle
                    local.stale = false
                    locals[name] = local
                    watchProcess(name, handle)
                }
            } else if let handle = makeHandle(resource, config) {
                locals[name] = LocalResource(config: resource, handle: handle, state: nil, since: wallClock().description)
                watchProcess(name, handle)
            }
        }
        for (name, local) in locals.sorted(by: { $0.key < $1.key }) where configured[name] == nil {
            if local.isActive && local.busy == nil {
                locals[name]?.stale = true
                begin(.stop, on: name)
            } else if !local.isActive && local.busy == nil {
                locals[name] = nil
            }
        }
    }

    /// The resource's handle; when none can be made here, one whose every action fails
    /// with the reason (``UnrunnableExecutor``), so the resource is reported `failed` with
    /// an event naming why rather than left out in silence.
    private func makeHandle(_ resource: ResourceConfig, _ config: ClusterConfig) -> ResourceHandle? {
        do {
            return try factory.handle(for: resource, in: config)
        } catch {
            logger.error("cannot manage resource", metadata: ["resource": "\(resource.name)", "error": "\(error)"])
            return ResourceHandle(executor: UnrunnableExecutor(reason: "\(error)"))
        }
    }

    // MARK: - Operations

    func begin(_ operation: LocalOperation, on name: String) {
        guard var local = locals[name] else { return }
        local.busy = operation
        local.generation += 1
        local.clusterWaiting = false
        let previous = local.state
        if let transient = ResourceLifecycle.transient(during: operation) { local.state = transient }
        locals[name] = local
        let executor = local.handle.executor
        let cgroup = local.handle.cgroup
        let budget = Self.stopBudget(local.config)
        let gate = startGate
        var operationTimeout = operation == .probe ? local.config.monitor.timeout : max(local.config.monitor.timeout, .seconds(20))
        if operation == .start, case .galera(let params) = local.config.params { operationTimeout = params.startTimeout }
        if operation == .start, case .rabbitmq(let params) = local.config.params { operationTimeout = params.startTimeout }
        let timeout = operationTimeout
        let galera = local.handle.galera
        let rabbitmq = local.handle.rabbitmq
        let action: AgentAction =
            switch operation {
            case .probe: .monitor
            case .start: .start
            case .stop: .stop
            case .promote: .promote
            case .demote: .demote
            case .notify: .notify
            }
        logger.info("\(operation.rawValue)", metadata: ["resource": "\(name)"])
        let epoch = fenceEpoch
        operations[name] = spawn {
            if operation != .probe { await self.writeStatus(name, event: nil) }
            if operation == .start || operation == .promote, await !self.mayStart(since: epoch) {
                await self.abandon(operation, on: name, previous: previous)
                return
            }
            if operation == .start || operation == .promote, let gate, let refusal = await gate() {
                let result = ActionResult(code: .genericError, output: "not started: \(refusal)")
                await self.finish(operation, on: name, result: result, previous: previous, epoch: epoch)
                return
            }
            if operation == .start, galera != nil, await !self.galeraBeforeStart(name) {
                await self.abandon(operation, on: name, previous: previous)
                return
            }
            if operation == .start, let rabbitmq, await !self.rabbitmqBeforeStart(name, rabbitmq) {
                await self.abandon(operation, on: name, previous: previous)
                return
            }
            var result: ActionResult
            if operation == .stop {
                let outcome = await ConfirmedStop.perform(executor: executor, cgroup: cgroup, budget: budget)
                result = outcome.result
                if outcome.confirmed {
                    result.code = .success
                } else if result.code == .success {
                    result.code = .genericError
                    result.output += "\n[vigil: stop not confirmed: the cgroup is not empty]"
                }
            } else {
                result = await executor.perform(ActionRequest(action, timeout: timeout))
                if operation == .probe, let cgroup, ResourceLifecycle.killsLeftovers(probe: result.code, cgroupPopulated: cgroup.isPopulated) {
                    // Not running by the agent's account, yet processes are left (a previous
                    // incarnation's, after an agent crash): they go before anything starts.
                    let leftovers = cgroup.processIDs
                    let emptied = await cgroup.killAndWait(timeout: budget.kill)
                    await self.leftoversKilled(name, leftovers, emptied: emptied)
                    if !emptied {
                        result.code = .genericError
                        result.output += "\n[vigil: leftover processes \(leftovers) in \(cgroup.path) survived SIGKILL]"
                    }
                }
            }
            await self.finish(operation, on: name, result: result, previous: previous, epoch: epoch)
        }
    }

    /// The budget of a stop outside a self-fence: the agent's stop (`stop-timeout`, else
    /// the monitor timeout, at least 20 s), 5 s to empty the cgroup, the same again to confirm.
    static func stopBudget(_ config: ResourceConfig) -> ConfirmedStop.Budget {
        var stop = config.stopTimeout ?? max(config.monitor.timeout, .seconds(20))
        if config.stopTimeout == nil, case .galera(let params) = config.params { stop = params.stopTimeout }
        if config.stopTimeout == nil, case .rabbitmq(let params) = config.params { stop = params.stopTimeout }
        return ConfirmedStop.Budget(stop: stop, kill: .seconds(5), confirm: stop)
    }

    private func leftoversKilled(_ name: String, _ processes: [Int32], emptied: Bool) async {
        let message = "killed leftover processes \(processes) of an earlier run\(emptied ? "" : " (some survived)")"
        logger.warning("\(message)", metadata: ["resource": "\(name)"])
        guard let identity else { return }
        _ = try? await store.txn(
            Txn(compares: [memberGuard(identity)], success: [eventOp(resource: name, kind: "leftovers-killed", message: message)]))
    }

    /// Whether a start or promote begun at fence epoch `epoch` may still run: not when the
    /// node fenced itself or began leaving meanwhile, or the operation was cancelled.
    private func mayStart(since epoch: Int) -> Bool {
        fenceEpoch == epoch && !shuttingDown && !Task.isCancelled
    }

    /// An operation dropped before it began (the node self-fenced or began leaving meanwhile).
    private func abandon(_ operation: LocalOperation, on name: String, previous: ResourceStatusState?) async {
        guard var local = locals[name] else { return }
        local.busy = nil
        local.state = previous
        locals[name] = local
        logger.warning("\(operation.rawValue) abandoned", metadata: ["resource": "\(name)", "reason": "\(shuttingDown ? "leaving" : "fenced")"])
        await evaluate()
    }

    private func finish(_ operation: LocalOperation, on name: String, result: ActionResult, previous: ResourceStatusState?, epoch: Int) async {
        guard var local = locals[name] else { return }
        local.busy = nil
        local.promotionScore = result.promotionScore ?? local.promotionScore
        let outcome = ResourceLifecycle.outcome(of: operation, code: result.code, promotable: local.config.isPromotable)
        local.state = outcome.state
        let fatal = outcome.fatal
        let failure: String? =
            outcome.failed ? "\(operation.rawValue): \(result.code)\(result.timedOut ? " (timed out)" : "") \(result.output)" : nil
        if operation == .stop {
            if outcome.retryStop {
                local.retryAfter = clock.now() + max(local.config.monitor.interval, .seconds(1))
            } else {
                local.retryAfter = nil
                local.health = nil
                local.checks = [:]
            }
        }
        if local.state != previous { local.since = wallClock().description }
        local.message = failure
        if local.handle.galera != nil {
            // It ran (or may have): its position is recovered again before the next start.
            if operation != .probe { local.galeraPosition = nil }
            if local.state != .started { local.galera = nil }
        }
        if local.handle.rabbitmq != nil, local.state != .started { local.rabbitmq = nil }
        locals[name] = local
        let finishedRabbitMQ = local.handle.rabbitmq != nil
        metrics?(.operation(resource: name, operation: operation, succeeded: failure == nil, duration: result.duration))
        if local.state == .stopped, local.stale, let config = configSeen, let resource = config.resource(named: name)?.resolved(on: node),
            let handle = makeHandle(resource, config)
        {
            locals[name]?.config = resource
            locals[name]?.handle = handle
            locals[name]?.stale = false
            watchProcess(name, handle)
        } else if local.state == .stopped, configSeen?.resource(named: name) == nil {
            if identity != nil { await writeStatus(name, event: "stopped (no longer configured)") }
            locals[name] = nil
            operations[name] = nil
            await deleteStatus(name)
            await evaluate()
            return
        }
        // After the local state is settled (a suspension before it would let a start begin
        // with the handle being replaced).
        if finishedRabbitMQ { await rabbitmqFinished(name, operation, succeeded: failure == nil) }
        if let failure {
            logger.error("operation failed", metadata: ["resource": "\(name)", "operation": "\(operation.rawValue)", "error": "\(failure)"])
            // An operation cut short by this agent's own shutdown or self-fence is not the
            // resource's fault.
            if ResourceLifecycle.countsFailure(shuttingDown: shuttingDown, fencedMeanwhile: fenceEpoch != epoch) {
                await countFailure(name, fatal: fatal, message: failure)
            }
        } else if operation != .probe {
            logger.info("\(operation.rawValue) done", metadata: ["resource": "\(name)", "state": "\(local.state?.rawValue ?? "?")"])
        }
        if locals[name]?.isActive == true, locals[name]?.state != .failed { startMonitoring(name) }
        if let after = locals[name], let state = after.state,
            ResourceLifecycle.stopsAgain(member: identity != nil, after: operation, state: state, exclusive: after.isExclusive)
        {
            // Fenced while this operation ran: what it started must not keep running.
            begin(.stop, on: name)
        }
        await writeStatus(name, event: failure ?? (operation == .probe ? nil : "\(operation.rawValue) done"))
        await evaluate()
    }

    // MARK: - Monitoring

    func startMonitoring(_ name: String) {
        guard !shuttingDown, let local = locals[name] else { return }
        let generation = local.generation
        let executor = local.handle.executor
        let interval = local.config.monitor.interval
        let timeout = local.config.monitor.timeout
        let expectPromoted = local.state == .promoted
        let clock = self.clock
        spawn {
            var next = clock.now() + interval
            while !Task.isCancelled {
                do { try await clock.sleepUntil(next) } catch { return }
                guard await self.isCurrent(name, generation) else { return }
                let result = await executor.perform(ActionRequest(.monitor, timeout: timeout, interval: interval))
                let expected: OCFCode = expectPromoted ? .runningPromoted : .success
                if result.code != expected {
                    await self.monitorFailed(name, generation, "monitor: \(result.code) \(result.output)")
                    return
                }
                next = clock.now() + interval
            }
        }
        if let galera = local.handle.galera { watchGalera(name, generation, galera) }
        if let rabbitmq = local.handle.rabbitmq { watchRabbitMQ(name, generation, rabbitmq) }
        if let checker = healthChecker, !local.handle.probes.isEmpty {
            let runner = ProbeRunner(probes: local.handle.probes, checker: checker)
            spawn {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        await runner.run { update in await self.probeUpdate(name, generation, update) }
                    }
                    // The probes stop when the resource's monitoring generation moves on.
                    while await self.isCurrent(name, generation) {
                        do { try await clock.sleepUntil(clock.now() + .milliseconds(200)) } catch { break }
                    }
                    group.cancelAll()
                }
            }
        }
    }

    func isCurrent(_ name: String, _ generation: Int) -> Bool {
        !shuttingDown && locals[name]?.generation == generation && locals[name]?.busy == nil
    }

    func monitorFailed(_ name: String, _ generation: Int, _ message: String) async {
        guard isCurrent(name, generation), var local = locals[name], local.isActive, local.state != .failed else { return }
        local.state = .failed
        local.since = wallClock().description
        local.message = message
        local.generation += 1
        locals[name] = local
        logger.error("resource failed", metadata: ["resource": "\(name)", "error": "\(message)"])
        metrics?(.failure(resource: name, message: message))
        await countFailure(name, fatal: false, message: message)
        await writeStatus(name, event: message)
        await evaluate()
    }

    private func probeUpdate(_ name: String, _ generation: Int, _ update: ProbeUpdate) async {
        guard isCurrent(name, generation), var local = locals[name] else { return }
        var probes = local.health?.probes ?? Array(repeating: "unknown", count: local.handle.probes.count)
        if update.index < probes.count {
            // Redacted at the source: every path that writes or shows the health gets it clean.
            probes[update.index] = redaction.redact("\(update.name): \(update.state.rawValue) (\(update.result.message))")
        }
        let healthy = probes.allSatisfy { $0.contains(": healthy") }
        let before = local.health
        local.health = HealthReport(healthy: healthy, probes: probes)
        let nanoseconds = Double(update.result.duration.components.seconds) * 1e9 + Double(update.result.duration.components.attoseconds) / 1e9
        local.checks[update.index] = LocalProbeCheck(
            probe: update.name, state: update.state.rawValue, result: redaction.redact(update.result.message),
            latencyMs: (nanoseconds / 1e5).rounded() / 10, at: wallClock().description)
        locals[name] = local
        if update.changed && update.state == .unhealthy {
            await monitorFailed(name, generation, "health: \(update.name): \(update.result.message)")
            return
        }
        if before?.healthy != healthy { await writeStatus(name, event: nil) }
    }

    private func watchProcess(_ name: String, _ handle: ResourceHandle) {
        guard let events = handle.processEvents else { return }
        spawn {
            for await event in events where !event.expected {
                await self.processExited(name, event)
            }
        }
    }

    private func processExited(_ name: String, _ event: ProcessEvent) async {
        guard let local = locals[name], local.busy == nil, local.isActive, local.state != .failed else { return }
        if local.handle.rabbitmq != nil { await rabbitmqCrashed(name) }
        await monitorFailed(name, local.generation, "process \(event.processID) exited: \(event.termination)")
    }

    // MARK: - Writing

    @discardableResult
    func spawn(_ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        let id = nextTaskID
        nextTaskID += 1
        let task = Task(executorPreference: taskExecutor) { [weak self] in
            await body()
            await self?.taskEnded(id)
        }
        tasks[id] = task
        return task
    }

    private func taskEnded(_ id: Int) {
        tasks[id] = nil
    }

    func memberGuard(_ identity: ReconcilerIdentity) -> Compare {
        .created(keyspace.member(node), at: identity.incarnation)
    }

    func writeStatus(_ name: String, event: String?) async {
        guard let identity, let local = locals[name], let state = local.state else { return }
        var record = StatusRecord(
            state: state, since: local.since,
            health: local.isActive ? local.health.map { HealthReport(healthy: $0.healthy, probes: $0.probes.map(redaction.redact)) } : nil,
            promotionScore: local.config.isPromotable ? local.promotionScore : nil, message: local.message.map(redaction.redact),
            galera: local.isActive ? local.galera : nil)
        record.rabbitmq = local.isActive ? local.rabbitmq : nil
        record.waiting = local.clusterWaiting && state == .stopped ? true : nil
        record.notified = local.notified
        guard let value = try? JSONEncoder().encode(record) else { return }
        var ops: [TxnOp] = [.put(key: keyspace.status(name, on: node), value: Array(value), lease: identity.lease)]
        if let event { ops.append(eventOp(resource: name, kind: state.rawValue, message: event)) }
        do {
            _ = try await store.txn(Txn(compares: [memberGuard(identity)], success: ops))
            unreported.remove(name)
        } catch {
            unreported.insert(name)
            logger.warning("status write failed", metadata: ["resource": "\(name)", "error": "\(error)"])
        }
    }

    private func deleteStatus(_ name: String) async {
        guard let identity else { return }
        _ = try? await store.txn(Txn(compares: [memberGuard(identity)], success: [.delete(.key(keyspace.status(name, on: node)))]))
    }

    func eventOp(resource: String?, kind: String, message: String) -> TxnOp {
        let now = wallClock()
        eventCounter += 1
        let record = EventRecord(time: now.description, node: node, resource: resource, kind: kind, message: redaction.redact(message))
        return keyspace.eventPut(record, at: now.millisecondsSinceEpoch, counter: eventCounter, writer: node)
    }

    private func reportReady(_ identity: ReconcilerIdentity) async {
        let key = keyspace.member(node)
        do {
            guard let current = try await store.get(key), current.createRevision == identity.incarnation else { return }
            var record = try JSONDecoder().decode(MemberRecord.self, from: Data(current.value))
            record.ready = true
            let value = Array(try JSONEncoder().encode(record))
            let result = try await store.txn(
                Txn(compares: [memberGuard(identity)], success: [.put(key: key, value: value, lease: identity.lease)]))
            if result.succeeded {
                readyReported = identity.incarnation
                logger.info("probes done; member ready", metadata: ["resources": "\(locals.count)"])
            }
        } catch {
            logger.warning("cannot mark the member ready", metadata: ["error": "\(error)"])
        }
    }

    /// failcount + 1 (INFINITY for a fatal failure). The increment is kept until it is
    /// written: a store error leaves it for ``retryWrites()``.
    private func countFailure(_ name: String, fatal: Bool, message: String) async {
        var pending = pendingFailcounts[name] ?? PendingFailcount(failures: 0, fatal: false, lastFailure: "")
        pending.failures += 1
        pending.fatal = pending.fatal || fatal
        pending.lastFailure = wallClock().description
        pendingFailcounts[name] = pending
        await writeFailcounts(name)
    }

    /// Writes the pending failcount increments of `name` until none is left or the store
    /// fails. Failures counted while a write is in flight (actor reentrancy) are written by
    /// the writer already running, never by a second one, so none is counted twice.
    private func writeFailcounts(_ name: String) async {
        guard !failcountsWriting.contains(name) else { return }
        failcountsWriting.insert(name)
        defer { failcountsWriting.remove(name) }
        while let pending = pendingFailcounts[name] {
            guard await writeFailcount(name, pending) else {
                pendingFailcounts[name]?.attempted = true
                return
            }
            guard let latest = pendingFailcounts[name], latest.failures > pending.failures else {
                pendingFailcounts[name] = nil
                return
            }
            pendingFailcounts[name] = PendingFailcount(
                failures: latest.failures - pending.failures, fatal: latest.fatal && !pending.fatal,
                lastFailure: latest.lastFailure)
        }
    }

    /// One read-modify-write of `failcounts/<name>/<node>`, guarded by the key's mod
    /// revision and retried on a lost compare. Returns false on a store error.
    private func writeFailcount(_ name: String, _ pending: PendingFailcount) async -> Bool {
        let key = keyspace.failcount(name, on: node)
        for _ in 0..<5 {
            do {
                let current = try await store.get(key)
                var count = 0
                if let current, let record = try? JSONDecoder().decode(FailcountRecord.self, from: Data(current.value)) {
                    // An earlier attempt that timed out was applied after all.
                    if pending.attempted && record.lastFailure == pending.lastFailure { return true }
                    count = record.count
                }
                count = pending.fatal ? Score.infinityValue : min(count + pending.failures, Score.infinityValue)
                let value = Array(try JSONEncoder().encode(FailcountRecord(count: count, lastFailure: pending.lastFailure)))
                let result = try await store.txn(
                    Txn(
                        compares: [.unchanged(key, since: current?.modRevision ?? 0)],
                        success: [.put(key: key, value: value, lease: nil)]))
                if result.succeeded {
                    metrics?(.failcount(resource: name, count: count))
                    return true
                }
            } catch {
                logger.warning(
                    "failcount write failed; retried later", metadata: ["resource": "\(name)", "error": "\(error)"])
                return false
            }
        }
        // Five lost compares in a row: left pending, retried at the next tick.
        return false
    }
}
