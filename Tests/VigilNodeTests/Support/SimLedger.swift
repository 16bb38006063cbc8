import Synchronization

/// Which simulated host runs which resource, as the simulation's fake executors report
/// it — the ground truth the cluster simulation checks its invariants against.
///
/// A host is one incarnation of a node (`epoch`): when the simulation crashes a node,
/// its epoch dies with everything it ran (a crashed host's processes die with it), and
/// whatever that epoch's executors still report afterwards is ignored.
///
/// Exclusivity (a primitive active on at most one node) is checked on every change, so a
/// violation is caught at the instant it happens, not at the next clock step.
final class SimLedger: Sendable {
    struct Key: Hashable, Sendable {
        var node: String
        var resource: String
    }

    private struct State {
        var active: [Key: Int] = [:]  // → epoch
        var deadEpochs: Set<Int> = []
        /// Bumped by every completed stop, so a start that overlapped a stop can tell.
        var stops: [Key: Int] = [:]
        var slowStarts: Set<String> = []
        /// Resource → how its next stop misbehaves.
        var stuckStops: [String: StuckStop] = [:]
        /// Killed (by a fault) and not stopped or started since: the cluster still believes
        /// it runs until a monitor notices.
        var killed: [Key: Int] = [:]  // → epoch
        var violations: [String] = []
        var stopOrderViolations: [StopOrderViolation] = []
        var changes = 0
        var rng: SplitMix64
    }

    /// The primitives (exclusive resources).
    let exclusive: Set<String>
    /// Resource → the resource that must already be active on the same node when it starts
    /// and must not stop there before it (a mandatory order plus a colocation).
    let requires: [String: String]
    private let state: Mutex<State>
    private let now: @Sendable () -> Duration

    init(exclusive: Set<String>, requires: [String: String] = [:], seed: UInt64, now: @escaping @Sendable () -> Duration) {
        self.exclusive = exclusive
        self.requires = requires
        self.now = now
        self.state = Mutex(State(rng: SplitMix64(seed: seed ^ 0x5EED_1ED6)))
    }

    /// A start of `resource` on `node` begins: it may run from now on, and what it
    /// ``requires`` must be running there already.
    func beginStart(_ resource: String, on node: String, epoch: Int) {
        if let needed = requires[resource] {
            state.withLock { state in
                let key = Key(node: node, resource: needed)
                // A kill nobody has noticed yet still counts as running: the agents cannot know.
                guard !state.deadEpochs.contains(epoch), state.active[key] != epoch, state.killed[key] != epoch else { return }
                state.violations.append("\(resource) started on \(node) while \(needed) was not active there at t=\(now())")
            }
        }
        markActive(resource, on: node, epoch: epoch)
    }

    /// A stop of `resource` on `node` begins: what ``requires`` it there must have
    /// stopped already (the order's reverse for stops).
    func beginStop(_ resource: String, on node: String, epoch: Int) {
        let dependents = requires.filter { $0.value == resource }.map(\.key)
        guard !dependents.isEmpty else { return }
        state.withLock { state in
            guard !state.deadEpochs.contains(epoch) else { return }
            for dependent in dependents.sorted() {
                let key = Key(node: node, resource: dependent)
                // A kill nobody has noticed yet: the agents cannot know it still "runs".
                guard state.active[key] == epoch, state.killed[key] != epoch else { continue }
                state.stopOrderViolations.append(
                    StopOrderViolation(node: node, at: "t=\(now())", message: "\(resource) stopped on \(node) while \(dependent) was still active there"))
            }
        }
    }

    /// A stop that began while what requires it still ran on the node: a violation of the
    /// order unless that node's agent was fencing itself then (a self-fence stops
    /// everything at once: the stops must end before the lease does).
    struct StopOrderViolation: Sendable {
        var node: String
        /// The time as the trace writes it (`t=<duration>`).
        var at: String
        var message: String
    }

    /// Stop-order violations seen so far (see ``StopOrderViolation``).
    var stopOrderViolations: [StopOrderViolation] { state.withLock { $0.stopOrderViolations } }

    /// Violations of exclusivity (and of ``requires``) seen so far.
    var violations: [String] { state.withLock { $0.violations } }

    /// How many times the ledger changed (part of the driver's quiescence test).
    var changes: Int { state.withLock { $0.changes } }

    /// Node → resources active there.
    var activeByNode: [String: Set<String>] {
        state.withLock { state in
            var result: [String: Set<String>] = [:]
            for key in state.active.keys { result[key.node, default: []].insert(key.resource) }
            return result
        }
    }

    /// A random operation duration: instant one time in six (it completes without the
    /// clock moving, so it races whatever else runs in the same instant), else 1...300 ms;
    /// 1...3 s once after ``slowStart(_:)``.
    func duration(forStartOf resource: String?) -> Duration {
        state.withLock { state in
            if let resource, state.slowStarts.remove(resource) != nil {
                return .milliseconds(Int.random(in: 1000...3000, using: &state.rng))
            }
            if Int.random(in: 0..<6, using: &state.rng) == 0 { return .zero }
            return .milliseconds(Int.random(in: 1...300, using: &state.rng))
        }
    }

    /// How a stop misbehaves (``stickStop(_:_:)``).
    enum StuckStop: Sendable {
        /// It fails at once; the resource runs on.
        case fail
        /// It hangs until its timeout (or cancellation); the resource runs on.
        case hang
    }

    /// The next stop of `resource` (on any node) misbehaves as `how`.
    func stickStop(_ resource: String, _ how: StuckStop) {
        state.withLock { $0.stuckStops[resource] = how }
    }

    /// Takes the misbehaviour planned for this stop of `resource`, if any.
    func takeStuckStop(_ resource: String) -> StuckStop? {
        state.withLock { $0.stuckStops.removeValue(forKey: resource) }
    }

    /// The next start of `resource` (on any node) is slow.
    func slowStart(_ resource: String) {
        state.withLock { _ = $0.slowStarts.insert(resource) }
    }

    /// Whether host incarnation `epoch` is gone (crashed, fenced, reset).
    func isDead(epoch: Int) -> Bool {
        state.withLock { $0.deadEpochs.contains(epoch) }
    }

    func isActive(_ resource: String, on node: String, epoch: Int) -> Bool {
        state.withLock { $0.active[Key(node: node, resource: resource)] == epoch }
    }

    /// How many stops of `resource` on `node` have completed.
    func stopCount(_ resource: String, on node: String) -> Int {
        state.withLock { $0.stops[Key(node: node, resource: resource), default: 0] }
    }

    /// `resource` may be running on `node` from now on (a start began, or completed).
    func markActive(_ resource: String, on node: String, epoch: Int) {
        state.withLock { state in
            guard !state.deadEpochs.contains(epoch) else { return }
            let key = Key(node: node, resource: resource)
            state.killed[key] = nil
            guard state.active[key] != epoch else { return }
            state.active[key] = epoch
            state.changes += 1
            if exclusive.contains(resource) {
                let others = state.active.keys.filter { $0.resource == resource && $0.node != node }.map(\.node).sorted()
                if !others.isEmpty {
                    state.violations.append("\(resource) active on \(node) while also active on \(others) at t=\(now())")
                }
            }
        }
    }

    /// `resource` stopped on `node` (a stop completed, or the process died).
    func markStopped(_ resource: String, on node: String, epoch: Int) {
        state.withLock { state in
            guard !state.deadEpochs.contains(epoch) else { return }
            let key = Key(node: node, resource: resource)
            state.killed[key] = nil
            state.stops[key, default: 0] += 1
            if state.active.removeValue(forKey: key) != nil { state.changes += 1 }
        }
    }

    /// The host incarnation `epoch` crashed: everything it ran is gone.
    func crash(epoch: Int) {
        state.withLock { state in
            state.deadEpochs.insert(epoch)
            for (key, owner) in state.active where owner == epoch { state.active[key] = nil }
            state.changes += 1
        }
    }

    /// Kills `resource` on `node` (its next monitor answers not running); returns whether it ran.
    func kill(_ resource: String, on node: String) -> Bool {
        state.withLock { state in
            let key = Key(node: node, resource: resource)
            guard let epoch = state.active.removeValue(forKey: key) else { return false }
            state.killed[key] = epoch
            state.changes += 1
            return true
        }
    }
}
