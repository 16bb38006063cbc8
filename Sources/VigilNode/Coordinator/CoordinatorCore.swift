public import VigilCluster
public import VigilModel
import VigilScheduler

/// The coordinator's decisions, as a pure function of the cluster view (no I/O, no clock).
///
/// The coordinator drives a transition one step at a time: it plans only once every member
/// has reported its probes, and assigns the plan's actions that wait for nothing (their
/// predecessors are done, or they would not be in a fresh plan). A resource whose
/// assignment has not settled yet (the agent does not report the assigned state, nor a
/// failure) is in flight: it gets no new action, and neither does any resource tied to it
/// by a group, colocation or order (transitively), since their plan depends on how it
/// ends. Everything else goes ahead, so a slow start delays only what depends on it. The
/// plan counts an in-flight resource where it is assigned, as if it had got there, so
/// that what goes ahead is placed around it.
/// Re-planning from what agents report after every step is what lets a new coordinator
/// take over mid-transition: it needs no memory of its predecessor's plan.
public enum CoordinatorCore {
    /// Decides what the coordinator of `term` writes now.
    public static func decide(view: ClusterView, term: Int64, now: Timestamp?) -> CoordinatorDecision {
        var decision = CoordinatorDecision()
        guard let config = view.config else { return decision }
        let promotable = Set(config.resources.filter(\.isPromotable).map(\.name))
        // Lost nodes that may still run resources are fenced first (fencing: devices), or
        // wait for their watchdog, their own report or an operator (fencing: self); their
        // entries stay, as the evidence of what may run there, until they are known down.
        let lost = StateBuilder.lostNodes(view: view, config: config)
        if config.cluster.fencing == .devices {
            decision.fences = lost.sorted { $0.key < $1.key }.map { FenceOrder(node: $0.key, member: $0.value.member) }
        }

        // Entries for nodes that are gone, or for an agent's earlier incarnation, are void;
        // a `stopped` entry the agent reports done is dropped (so that a `stopped` entry
        // that remains always means a stop not known to have happened).
        var records: [String: AssignmentRecord] = [:]
        let notifying = Set(config.resources.filter(\.notifies).map(\.name))
        /// Notifying clones' instances that went with their node: their stops are notified.
        var vanished: [String: [String]] = [:]
        for (resource, assignment) in view.assignments {
            var record = assignment.record
            record.nodes = record.nodes.filter { node, entry in
                if lost[node]?.member == entry.member { return true }
                guard view.incarnation(of: node) == entry.member else {
                    if notifying.contains(resource), entry.role != .stopped { vanished[resource, default: []].append(node) }
                    return false
                }
                return entry.role != .stopped || view.status[node]?[resource]?.state != .stopped
            }
            if record.nodes != assignment.record.nodes {
                record.term = term
                decision.writes[resource] = record
            }
            records[resource] = record
        }

        for (node, member) in view.members.sorted(by: { $0.key < $1.key }) where member.record?.ready != true {
            decision.waitingFor.append("\(node) probing")
        }
        let probing = !decision.waitingFor.isEmpty
        var inFlight: [String: [String: AssignedRole]] = [:]
        for (resource, record) in records.sorted(by: { $0.key < $1.key }) {
            for (node, entry) in record.nodes.sorted(by: { $0.key < $1.key }) {
                if view.nodeAdmin[node]?.maintenance == true || lost[node] != nil { continue }
                let state = view.status[node]?[resource]?.state ?? .stopped
                if state == .failed || state.satisfies(entry.role, promotable: promotable.contains(resource)) { continue }
                // A Galera or RabbitMQ node waiting for the cluster (for other nodes, or a
                // bootstrap choice) is settled: the nodes it waits for must get their starts.
                if state == .stopped, view.status[node]?[resource]?.waiting == true { continue }
                decision.waitingFor.append("\(resource) on \(node): \(state.rawValue), assigned \(entry.role.rawValue)")
                inFlight[resource, default: [:]][node] = entry.role
            }
        }
        guard !probing else {
            decision.notifications = NotificationGate.pendingStops(view: view, term: term, vanished: vanished)
            return decision
        }
        let held = tied(to: Set(inFlight.keys), in: config)

        // What a member found running without being told to (its probe after a restart:
        // an adopted resource) gets an entry for that incarnation, so that the assignment
        // records stay the evidence of what may run where: if that node is lost, it is
        // unclean for what it runs. The plan below may still replace it with a stop.
        let configured = Set(config.resources.map(\.name))
        for (node, statuses) in view.status.sorted(by: { $0.key < $1.key }) {
            guard let incarnation = view.incarnation(of: node) else { continue }
            for (resource, status) in statuses.sorted(by: { $0.key < $1.key }) where configured.contains(resource) {
                let role: AssignedRole
                switch status.state {
                case .started, .unpromoted, .starting, .stopping: role = .started
                case .promoted: role = .promoted
                case .stopped, .failed: continue
                }
                var record = records[resource] ?? AssignmentRecord(term: term, nodes: [:])
                guard record.nodes[node]?.member != incarnation else { continue }
                record.nodes[node] = AssignmentRecord.Entry(role: role, member: incarnation)
                record.term = term
                records[resource] = record
                decision.writes[resource] = record
            }
        }

        let effective = StateBuilder.effectiveConfig(config, view: view)
        var state = StateBuilder.state(from: view, config: config, now: now)
        for (resource, nodes) in inFlight {
            for (node, role) in nodes {
                switch role {
                case .stopped: state.resources[resource]?[node] = nil
                case .started: state.resources[resource, default: [:]][node] = [promotable.contains(resource) ? .unpromoted : .started]
                case .promoted: state.resources[resource, default: [:]][node] = [.promoted]
                }
            }
        }
        let transition = Scheduler.plan(config: effective, state: state)
        decision.transition = transition
        /// Actions handed out in this round (written now, or already so assigned).
        var handedOut: Set<Int> = []
        func assign(_ index: Int, after: [String]?) {
            let action = transition.actions[index]
            guard let resource = action.resource, let incarnation = view.incarnation(of: action.node) else { return }
            let role: AssignedRole
            switch action.kind {
            case .start, .demote: role = .started
            case .promote: role = .promoted
            case .stop: role = .stopped
            case .fence: return
            }
            handedOut.insert(index)
            var record = records[resource] ?? AssignmentRecord(term: term, nodes: [:])
            let entry = AssignmentRecord.Entry(role: role, member: incarnation, after: after)
            guard record.nodes[action.node] != entry else { return }
            record.nodes[action.node] = entry
            record.term = term
            records[resource] = record
            decision.writes[resource] = record
        }
        let withheld = orderedWithheld(transition: transition, config: config, held: held)
        // A notifying clone's actions go out only as its notifications allow.
        let notifications = NotificationGate.decide(
            view: view, config: config, term: term, transition: transition, vanished: vanished, held: held,
            inFlight: Set(inFlight.keys), lost: lost, withheld: withheld)
        decision.notifications = notifications.writes
        decision.waitingFor += notifications.waitingFor
        for (index, action) in transition.actions.enumerated() where action.after.isEmpty {
            guard let resource = action.resource, !held.contains(resource), !withheld.contains(index) else { continue }
            if notifying.contains(resource), !notifications.allowed.contains(index) { continue }
            assign(index, after: nil)
        }
        // Chains on one node go out in the same round: a start (or stop) whose every
        // predecessor is a start (or stop) on the same node handed out in this round, with
        // those predecessors named in its entry — the agent waits for them itself. A move
        // of a group then takes two rounds (its stops, its starts) instead of one per member.
        var grew = true
        while grew {
            grew = false
            for (index, action) in transition.actions.enumerated() where !action.after.isEmpty && !handedOut.contains(index) {
                guard action.kind == .start || action.kind == .stop, let resource = action.resource, !held.contains(resource),
                    Self.chainable(resource, in: config),
                    action.after.allSatisfy({ predecessor in
                        let before = transition.actions[predecessor]
                        return handedOut.contains(predecessor) && before.node == action.node && before.kind == action.kind
                            && before.resource.map { Self.chainable($0, in: config) } == true
                    })
                else { continue }
                assign(index, after: Array(Set(action.after.compactMap { transition.actions[$0].resource })).sorted())
                grew = true
            }
        }
        return decision
    }

    /// The actions of `ordered: true` clones that wait for their turn: of the starts that
    /// could go out now, all but the lowest instance number; of the stops, all but the
    /// highest (Pacemaker's `ordered=true`: one instance at a time, stops in reverse). The
    /// next goes out once the one handed out has settled (the clone is in flight until then).
    static func orderedWithheld(transition: Transition, config: ClusterConfig, held: Set<String>) -> Set<Int> {
        var withheld: Set<Int> = []
        for resource in config.resources where resource.isOrdered && !held.contains(resource.name) {
            for kind in [ActionKind.start, .stop] {
                let due = transition.actions.indices.filter { index in
                    let action = transition.actions[index]
                    return action.resource == resource.name && action.kind == kind && action.after.isEmpty
                }
                let ranked = due.sorted { config.cloneInstance(on: transition.actions[$0].node) < config.cloneInstance(on: transition.actions[$1].node) }
                guard let first = kind == .start ? ranked.first : ranked.last else { continue }
                withheld.formUnion(due.filter { $0 != first })
            }
        }
        return withheld
    }

    /// Whether a resource's steps may be chained on its node: a primitive that is not
    /// promotable and has no start rule of its own (a Galera or RabbitMQ node starts only as
    /// its cluster decides, which the chain's wait must not stand in front of).
    static func chainable(_ resource: String, in config: ClusterConfig) -> Bool {
        guard let found = config.resource(named: resource), !found.isClone else { return false }
        switch found.params {
        case .galera, .rabbitmq: return false
        default: return true
        }
    }

    /// `resources` and every resource tied to one of them, transitively, by a group
    /// (its members), a colocation or an order constraint (which may name groups).
    static func tied(to resources: Set<String>, in config: ClusterConfig) -> Set<String> {
        guard !resources.isEmpty else { return [] }
        var edges: [String: Set<String>] = [:]
        func link(_ a: String, _ b: String) {
            edges[a, default: []].insert(b)
            edges[b, default: []].insert(a)
        }
        for group in config.groups {
            for member in group.members { link(group.name, member) }
        }
        for constraint in config.constraints {
            switch constraint {
            case .colocation(let colocation): link(colocation.resource, colocation.with)
            case .order(let order): link(order.first, order.then)
            case .location: break
            }
        }
        var reached = resources
        var queue = Array(resources)
        while let name = queue.popLast() {
            for next in edges[name] ?? [] where reached.insert(next).inserted { queue.append(next) }
        }
        return reached
    }
}
