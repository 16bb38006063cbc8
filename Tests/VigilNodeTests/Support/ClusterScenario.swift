import Foundation
import Logging
import VigilModel
import VigilNode
import VigilCluster
import VigilScheduler
import VigilStore

/// One seeded run of the cluster simulation: N real ``Agent``s on one ``MemoryStore``, a
/// manual ``TestClock``, fake executors recording into a ``SimLedger``, and seeded faults
/// (crash, restart, graceful leave, a resource dying under its monitor, a slow start, a
/// partition long enough to lose the member lease).
///
/// Deterministic: every agent task runs on one ``SimTaskExecutor`` that only the driver
/// drains (``settle()``), time is the ``TestClock``'s, and chance is the seed's. A seed
/// replays the same run, job for job, as long as hashing is deterministic too
/// (`SWIFT_DETERMINISTIC_HASHING=1`, which lab/test sets: otherwise a dictionary's
/// iteration order, and with it the order some agent work is started in, varies between
/// processes).
final class ClusterScenario {
    struct Failure: Error, CustomStringConvertible {
        var seed: UInt64
        var step: Int
        var message: String
        var description: String { "seed \(seed), step \(step): \(message) (replay with VIGIL_SIM_SEED=\(seed))" }
    }

    enum Fault: String, CaseIterable {
        case crash, restart, leave, monitorFailure, slowStart, partition
        /// The agent hangs while its resources keep running; only a fence (devices) or its
        /// watchdog (self) brings the host back.
        case freeze
        /// A lost node fenced by the coordinator (counted, not injected).
        case fenced
        /// A host reset by its watchdog (counted, not injected).
        case watchdogReset
        /// The next stop of a resource fails, or hangs past its timeout (and past any
        /// self-fence budget); the resource runs on.
        case stuckStop
        /// Only the agent dies; what it started runs on, and a new agent starts on the
        /// same host at once (systemd's restart).
        case agentCrash
    }

    final class Slot {
        let node: String
        var agent: Agent?
        var task: Task<Void, Never>?
        /// A graceful leave under way (its agent's ``task`` runs until it completes).
        var leaveTask: Task<Void, Never>?
        var store: FlakyStore?
        var epoch = 0
        var partitionedUntil: Duration?
        /// The host's watchdog (`fencing: self`), and the current agent's handle on it.
        var watchdog: SimWatchdog?
        var watchdogHandle: SimWatchdog.Handle?
        /// Hung (``Fault/freeze``) and not fenced yet: cannot be restarted.
        var frozen = false
        /// Counts the agent's `run()` returning (> 0: the current agent's run ended).
        var ended = Counter()
        var finished: Bool { agent == nil ? (task == nil || ended.count > 0) : false }
        init(node: String) { self.node = node }
    }

    static let quiet = Logger(label: "sim", factory: { _ in SwiftLogNoOpLogHandler() })
    static let primitives = ["db", "app", "vip"]
    static let clones = ["agentd"]
    static let baseTime: Int64 = 1_780_000_000_000

    let seed: UInt64
    let steps: Int
    var rng: SplitMix64
    let clock = TestClock()
    /// Runs every agent task, one job at a time, when ``settle()`` says so.
    let executor: SimTaskExecutor
    let keyspace = Keyspace(cluster: "sim")
    let memory: MemoryStore
    let store: TermCheckingStore
    let ledger: SimLedger
    /// Half the seeds run with `fencing: devices` and this fence device.
    let fenceDevices: Bool
    let powerSwitch: SimPowerSwitch
    var slots: [Slot] = []
    var nextEpoch = 0
    var step = 0
    var faults: [Fault: Int] = [:]
    let trace: SimTrace
    /// Agent runs and leaves that have not returned yet.
    let unfinishedTasks = Counter()

    init(seed: UInt64, steps: Int) throws {
        self.seed = seed
        self.steps = steps
        rng = SplitMix64(seed: seed)
        executor = SimTaskExecutor(seed: seed ^ 0x0E0E_C0DE)
        memory = try MemoryStore(clock: clock, logger: Self.quiet)
        store = TermCheckingStore(memory, keyspace: keyspace)
        let clock = self.clock
        ledger = SimLedger(exclusive: Set(Self.primitives), requires: ["app": "db"], seed: seed) { clock.now.offset }
        trace = SimTrace { clock.now.offset }
        powerSwitch = SimPowerSwitch(ledger: ledger, clock: clock)
        fenceDevices = seed % 2 == 0
        let count = Int.random(in: 3...5, using: &rng)
        slots = (1...count).map { Slot(node: "n\($0)") }
    }

    static func configYAML(nodes: [String], fenceDevices: Bool) -> String {
        """
        cluster:
          name: sim
          node-loss-timeout: 2s
          fencing: \(fenceDevices ? "devices" : "self")
        nodes:
        \(nodes.map { "  - {name: \($0)}" }.joined(separator: "\n"))
        resources:
          - {name: db, agent: "ocf:heartbeat:Dummy", monitor: {interval: 1s, timeout: 5s}}
          - {name: app, agent: "ocf:heartbeat:Dummy", monitor: {interval: 1s, timeout: 5s}}
          - {name: vip, agent: "ocf:heartbeat:Dummy", monitor: {interval: 1s, timeout: 5s}}
          - {name: agentd, agent: "ocf:heartbeat:Dummy", clone: {notify: true}, monitor: {interval: 1s, timeout: 5s}}
        constraints:
          - order: {first: db, then: app}
          - colocation: {resource: app, with: db}
        \(fenceDevices ? "fence-devices: [{name: sim, agent: fence_sim, nodes: [\(nodes.joined(separator: ", "))]}]" : "")
        """
    }

    var wallNow: Timestamp { Timestamp(millisecondsSinceEpoch: Self.baseTime + clock.now.offset.wholeMilliseconds) }

    func fail(_ message: String) -> Failure { Failure(seed: seed, step: step, message: message) }

    // MARK: - Running

    /// Runs the scenario: `steps` clock steps with faults, then quiet until the cluster
    /// converges (at most 30 s of simulated time). Throws the first invariant violation.
    func run() async throws {
        let yaml = Self.configYAML(nodes: slots.map(\.node), fenceDevices: fenceDevices)
        _ = try ConfigDecoder.decode(yaml: yaml, file: "sim.yaml")
        let record = ConfigRecord(yaml: yaml, hash: "sha256:sim", appliedBy: "sim@test", appliedAt: wallNow.description)
        _ = try await memory.txn(Txn(success: [.put(key: keyspace.config, value: Array(try JSONEncoder().encode(record)), lease: nil)]))
        for slot in slots { start(slot) }
        await settle()
        while step < steps {
            step += 1
            if Int.random(in: 0..<100, using: &rng) < 12 { await injectFault() }
            try await advance()
        }
        // Faults stop: partitions heal, down nodes come back (at least one node lives).
        for slot in slots where slot.partitionedUntil != nil {
            slot.store?.mode = .normal
            slot.partitionedUntil = nil
        }
        try await waitForFinished()
        for slot in slots where slot.agent == nil && !slot.frozen && Int.random(in: 0..<100, using: &rng) < 70 {
            if !slot.finished {
                // A leave still stuck in a stop: the service manager kills that agent (its
                // resources run on) before it starts the next one, never beside it.
                slot.watchdogHandle?.sever()
                slot.task?.cancel()
                slot.leaveTask?.cancel()
                trace.append("FAULT stuck leave of \(slot.node) ended: agent killed")
            }
            start(slot, sameHost: hostUp(slot))
        }
        if slots.allSatisfy({ $0.agent == nil }), let slot = slots.first(where: { !$0.frozen }) { start(slot, sameHost: hostUp(slot)) }
        let quietEnd = clock.now.offset + .seconds(30)
        var convergedSince: Duration?
        var last = ""
        while clock.now.offset < quietEnd {
            step += 1
            try await advance()
            guard step % 5 == 0 else { continue }
            let problem = try await convergenceProblem()
            if let problem {
                convergedSince = nil
                last = problem
            } else if let since = convergedSince {
                if clock.now.offset - since >= .seconds(2) { return }
            } else {
                convergedSince = clock.now.offset
            }
        }
        throw fail("did not converge within 30 s of quiet: \(last)\n\(trace.last(80))")
    }

    /// Whether `slot`'s host incarnation is still up (not crashed, fenced or reset).
    func hostUp(_ slot: Slot) -> Bool {
        slot.epoch > 0 && !ledger.isDead(epoch: slot.epoch)
    }

    /// Starts an agent on `slot`: on a new host incarnation, or (`sameHost`) on the host
    /// whose agent just crashed, where what it started still runs.
    func start(_ slot: Slot, sameHost: Bool = false) {
        if !sameHost {
            nextEpoch += 1
            slot.epoch = nextEpoch
        }
        let flaky = FlakyStore(store, clock: clock, executor: executor)
        // fencing: self runs every host with a watchdog (1 s): the only way a hung agent's
        // host is made safe, and what lets peers count a lost node as stopped. The host's
        // watchdog outlives an agent crash: the new agent takes it over.
        var keeper: WatchdogKeeper?
        if !fenceDevices {
            let watchdog = sameHost ? (slot.watchdog ?? SimWatchdog(timeout: .seconds(1), clock: clock)) : SimWatchdog(timeout: .seconds(1), clock: clock)
            slot.watchdog = watchdog
            let handle = SimWatchdog.Handle(device: watchdog)
            slot.watchdogHandle = handle
            keeper = WatchdogKeeper(device: "sim", timeout: .seconds(1), logger: Self.quiet) {
                _ = watchdog.open()
                return handle
            }
        } else {
            slot.watchdog = nil
        }
        let agent = Agent(
            options: AgentOptions(
                node: slot.node, defaultNodeLossTimeout: .seconds(2), coordinatorTick: .seconds(1), taskExecutor: executor,
                hostIdentity: "sim host \(slot.node) epoch \(slot.epoch)"),
            store: flaky, keyspace: keyspace,
            factory: SimResourceFactory(node: slot.node, epoch: slot.epoch, ledger: ledger, clock: clock),
            clock: clock, wallClock: { [clock] in Timestamp(millisecondsSinceEpoch: Self.baseTime + clock.now.offset.wholeMilliseconds) },
            fencer: powerSwitch, watchdog: keeper, logger: trace.logger(label: "sim.\(slot.node)"))
        slot.store = flaky
        slot.agent = agent
        slot.partitionedUntil = nil
        let ended = Counter()
        slot.ended = ended
        let unfinished = unfinishedTasks
        _ = unfinished.increment()
        slot.task = Task(executorPreference: executor) {
            await agent.run()
            _ = ended.increment()
            _ = unfinished.decrement()
        }
        powerSwitch.plug(slot.node, epoch: slot.epoch, task: slot.task)
    }

    /// Crashes every agent and runs their tasks to the end (moving the clock far ahead so
    /// that nothing is left sleeping on it, e.g. a graceful leave's stops); returns false
    /// when some task never ended (it is then left behind, cancelled).
    @discardableResult
    func tearDown() async -> Bool {
        for slot in slots {
            slot.task?.cancel()
            ledger.crash(epoch: slot.epoch)
            slot.store?.mode = .failing
        }
        for _ in 0..<50 where unfinishedTasks.count > 0 {
            clock.advance(by: .seconds(3600))
            executor.runUntilIdle()
        }
        return unfinishedTasks.count == 0
    }

    func injectFault() async {
        let injectable = Fault.allCases.filter { $0 != .fenced && $0 != .watchdogReset }
        let fault = injectable[Int.random(in: 0..<injectable.count, using: &rng)]
        let running = slots.filter { $0.agent != nil }
        let connected = running.filter { $0.partitionedUntil == nil }
        switch fault {
        case .crash:
            guard let slot = running.randomElement(using: &rng) else { return }
            slot.task?.cancel()
            ledger.crash(epoch: slot.epoch)
            slot.agent = nil
            slot.partitionedUntil = nil
            trace.append("FAULT crash \(slot.node)")
        case .restart:
            guard let slot = slots.filter({ $0.agent == nil && !$0.frozen && $0.finished }).randomElement(using: &rng) else { return }
            // A host that is still up (its agent left, maybe with a stop that never
            // finished) restarts its agent on the same host: what runs there runs on.
            let sameHost = hostUp(slot)
            trace.append("FAULT restart \(slot.node)\(sameHost ? " (same host)" : "")")
            start(slot, sameHost: sameHost)
        case .leave:
            guard let slot = connected.randomElement(using: &rng), let agent = slot.agent else { return }
            slot.agent = nil
            trace.append("FAULT leave \(slot.node)")
            // Not awaited: its stops take test-clock time, which only the driver advances.
            let unfinished = unfinishedTasks
            _ = unfinished.increment()
            slot.leaveTask = Task(executorPreference: executor) {
                await agent.leave()
                _ = unfinished.decrement()
            }
        case .monitorFailure:
            let candidates = ledger.activeByNode.filter { node, _ in running.contains { $0.node == node } }
                .flatMap { node, resources in resources.map { (node, $0) } }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            guard let (node, resource) = candidates.randomElement(using: &rng) else { return }
            _ = ledger.kill(resource, on: node)
            trace.append("FAULT kill \(resource) on \(node)")
        case .slowStart:
            ledger.slowStart((Self.primitives + Self.clones).randomElement(using: &rng)!)
        case .freeze:
            guard running.count >= 2, let slot = running.randomElement(using: &rng) else { return }
            slot.watchdogHandle?.sever()
            slot.task?.cancel()
            slot.agent = nil
            slot.frozen = true
            slot.partitionedUntil = nil
            trace.append("FAULT freeze \(slot.node)")
        case .fenced, .watchdogReset:
            return
        case .stuckStop:
            let resource = (Self.primitives + Self.clones).randomElement(using: &rng)!
            let how: SimLedger.StuckStop = Bool.random(using: &rng) ? .hang : .fail
            ledger.stickStop(resource, how)
            trace.append("FAULT next stop of \(resource) \(how == .hang ? "hangs" : "fails")")
        case .agentCrash:
            guard let slot = running.randomElement(using: &rng) else { return }
            slot.watchdogHandle?.sever()
            slot.task?.cancel()
            slot.agent = nil
            trace.append("FAULT agent crash \(slot.node) (its resources run on)")
            start(slot, sameHost: true)
        case .partition:
            // Half refuse at once (a killed member on loopback); half go silent — calls
            // and watches hang without an error (a frozen member, a dead host).
            guard let slot = connected.randomElement(using: &rng) else { return }
            let silent = Bool.random(using: &rng)
            slot.store?.mode = silent ? .silent : .failing
            slot.partitionedUntil = clock.now.offset + .milliseconds(Int.random(in: 2500...4000, using: &rng))
            trace.append("FAULT \(silent ? "silent " : "")partition \(slot.node) until \(slot.partitionedUntil.map { "\($0)" } ?? "")")
        }
        faults[fault, default: 0] += 1
    }

    /// One clock step of 50–100 ms, then lets the agents run; checks the continuous invariants.
    func advance() async throws {
        clock.advance(by: .milliseconds(Int.random(in: 50...100, using: &rng)))
        await settle()
        for node in powerSwitch.takeFenced() {
            guard let slot = slots.first(where: { $0.node == node }) else { continue }
            trace.append("FENCED \(node)")
            faults[.fenced, default: 0] += 1
            slot.agent = nil
            slot.frozen = false
            slot.partitionedUntil = nil
            slot.store?.mode = .normal
        }
        for slot in slots where slot.watchdog?.expired(now: clock.now.offset) == true {
            // The host resets: every process of this incarnation dies, and its agent.
            trace.append("WATCHDOG RESET \(slot.node)")
            faults[.watchdogReset, default: 0] += 1
            ledger.crash(epoch: slot.epoch)
            slot.task?.cancel()
            slot.agent = nil
            slot.frozen = false
            slot.partitionedUntil = nil
            slot.store?.mode = .normal
            slot.watchdog = nil
        }
        for slot in slots {
            if let until = slot.partitionedUntil, clock.now.offset >= until {
                slot.store?.mode = .normal
                slot.partitionedUntil = nil
            }
        }
        if let violation = ledger.violations.first { throw fail("exclusivity: \(violation)\n\(trace.last(120))") }
        if let violation = ledger.stopOrderViolations.first(where: { violation in
            !trace.all.contains { $0.hasPrefix("\(violation.at) \(violation.node) critical self-fence: stopping resources") }
        }) {
            throw fail("order: \(violation.message) at \(violation.at)\n\(trace.last(120))")
        }
        if let violation = store.violations.first { throw fail("term guard: \(violation)") }
    }

    /// Runs the agents' jobs until every agent waits on the clock or the store.
    func settle() async {
        executor.runUntilIdle()
    }

    func waitForFinished() async throws {
        for _ in 0..<200 where slots.contains(where: { $0.agent == nil && !$0.finished }) {
            try await advance()
            step += 1
        }
    }

    // MARK: - Convergence

    /// Nil when the cluster has converged: every running agent is a ready member, the
    /// coordinator has nothing to do (no write, no wait, an empty plan), the ledger is what
    /// the members report, every primitive runs on exactly one live node and the clone on
    /// every live node; otherwise what is not so.
    func convergenceProblem() async throws -> String? {
        let view = ClusterView(keyspace: keyspace, range: try await memory.range(.prefix(keyspace.prefix)))
        let live = Set(slots.filter { $0.agent != nil }.map(\.node))
        guard Set(view.members.keys) == live else { return "members \(view.members.keys.sorted()), live agents \(live.sorted())" }
        guard let coordinator = view.coordinator else { return "no coordinator" }
        let decision = CoordinatorCore.decide(view: view, term: coordinator.term, now: wallNow)
        guard decision.waitingFor.isEmpty else { return "coordinator waits for \(decision.waitingFor)" }
        guard decision.writes.isEmpty else { return "coordinator would write \(decision.writes.keys.sorted())" }
        guard let transition = decision.transition, transition.actions.isEmpty else {
            let lost = view.config.map { StateBuilder.lostNodes(view: view, config: $0) } ?? [:]
            return "plan not empty: \(decision.transition.map { "\($0.actions)" } ?? "none") "
                + "(lost \(lost.mapValues(\.member)), watchdogs \(view.nodeWatchdog.mapValues(\.incarnation)), down \(view.nodeDown.mapValues(\.member)))"
        }
        let active = ledger.activeByNode
        for node in active.keys where !live.contains(node) && !(active[node]?.isEmpty ?? true) {
            return "\(node) is not a live member but runs \(active[node]!.sorted())"
        }
        for node in live {
            let reported = Set((view.status[node] ?? [:]).filter { $0.value.state == .started }.keys)
            let running = active[node] ?? []
            guard reported == running else { return "\(node) reports \(reported.sorted()) started but runs \(running.sorted())" }
        }
        for primitive in Self.primitives {
            let nodes = live.filter { active[$0]?.contains(primitive) == true }
            guard nodes.count == 1 else { return "\(primitive) runs on \(nodes.sorted())" }
        }
        // Clone instances: only on live nodes (checked above) and where the plan wants them
        // (the plan is empty and the ledger matches the reports). Not necessarily on every
        // live node: a start cancelled by a graceful leave counts as a fatal start failure
        // (failcount INFINITY on that node), which legitimately bans the clone there.
        for clone in Self.clones where !live.contains(where: { active[$0]?.contains(clone) == true }) {
            return "clone \(clone) runs nowhere (live \(live.sorted()))"
        }
        return nil
    }
}

extension Duration {
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
