public import VigilCluster
public import VigilModel
public import VigilScheduler

/// The coordinator's clone notifications (`notify: true`), as a pure function of the view
/// and the plan: which of a notifying clone's planned actions may be handed out now, and
/// the ``NotificationRecord`` to write.
///
/// A notifying clone goes through its plan one operation at a time, in Pacemaker's order
/// (demote, stop, start, promote): the `pre` notification on the instances Pacemaker
/// notifies, then that operation's actions, then, once they have settled, the `post`
/// notification, then the next operation. An instance lost with its node (its assignment
/// entry void) is stopped without an action: its stop is notified (`pre` and `post`, to
/// the others) before anything else of the clone happens. The lists
/// (`notify_start_uname`, …) are taken from the plan when a cycle begins and are the same
/// for its `pre` and `post` notifications. A notification an agent fails is logged by that
/// agent and does not hold the clone up (Pacemaker does not recover a failed notify).
public struct NotificationGate: Sendable {
    /// Transition indexes of notifying clones' actions that may be handed out now.
    public var allowed: Set<Int> = []
    /// Resource → the notification record to write.
    public var writes: [String: NotificationRecord] = [:]
    /// What the notifications wait for (`rabbitmq: pre-start notification on n1`).
    public var waitingFor: [String] = []

    /// Decides for every notifying clone of `config`.
    ///
    /// - Parameters:
    ///   - vanished: resource → nodes whose instance went with its node (entries voided
    ///     in this decision).
    ///   - held: resources that get no new action now (tied to one in flight).
    ///   - inFlight: resources with an assignment not settled yet.
    ///   - lost: nodes gone that may still run what they were assigned.
    ///   - withheld: actions that may not go out now whatever the notifications say (an
    ///     `ordered` clone's instances waiting for their turn).
    public static func decide(
        view: ClusterView, config: ClusterConfig, term: Int64, transition: Transition, vanished: [String: [String]],
        held: Set<String>, inFlight: Set<String>, lost: [String: LostNode], withheld: Set<Int> = []
    ) -> NotificationGate {
        var gate = NotificationGate()
        for resource in config.resources where resource.notifies {
            var cycle = Cycle(
                resource: resource.name, view: view, config: config, term: term, transition: transition, lost: lost,
                held: held.contains(resource.name), inFlight: inFlight.contains(resource.name), withheld: withheld)
            cycle.run(vanished: vanished[resource.name] ?? [], into: &gate)
        }
        return gate
    }

    /// Records the lost instances of notifying clones while the coordinator cannot plan
    /// (members still probing), so that their stops are notified later.
    public static func pendingStops(view: ClusterView, term: Int64, vanished: [String: [String]]) -> [String: NotificationRecord] {
        var writes: [String: NotificationRecord] = [:]
        for (resource, nodes) in vanished where !nodes.isEmpty {
            var record = view.notifications[resource]?.record
                ?? NotificationRecord(term: term, serial: 0, operation: .stop, stage: .done, nodes: [], targets: [:], variables: [:])
            let pending = Set(record.pendingStops ?? []).union(nodes)
            guard pending != Set(record.pendingStops ?? []) else { continue }
            record.pendingStops = pending.sorted()
            record.term = term
            writes[resource] = record
        }
        return writes
    }

    /// One clone's cycle.
    struct Cycle {
        let resource: String
        let view: ClusterView
        let config: ClusterConfig
        let term: Int64
        let transition: Transition
        let lost: [String: LostNode]
        let held: Bool
        let inFlight: Bool
        let withheld: Set<Int>

        /// The instances running now (node → incarnation), on members that are not lost.
        func active(includingFailed: Bool) -> [String: Int64] {
            var nodes: [String: Int64] = [:]
            for (node, statuses) in view.status where lost[node] == nil {
                guard let incarnation = view.incarnation(of: node), let state = statuses[resource]?.state else { continue }
                switch state {
                case .started, .unpromoted, .promoted: nodes[node] = incarnation
                case .failed where includingFailed: nodes[node] = incarnation
                default: break
                }
            }
            return nodes
        }

        /// Who gets the `pre` notification of `operation` (Pacemaker: for a stop or
        /// demote, every active instance; for a start, the instances already running; for
        /// a promote, every instance that runs).
        func preTargets(_ operation: NotificationRecord.Operation, nodes: [String], implied: [String]) -> [String: Int64] {
            let targets: [String: Int64] =
                switch operation {
                case .stop, .demote: active(includingFailed: true).filter { !implied.contains($0.key) }
                case .start: active(includingFailed: false).filter { !nodes.contains($0.key) }
                case .promote: active(includingFailed: false)
                }
            return notifiable(targets)
        }

        /// Nothing runs on a node in maintenance, notifications neither.
        func notifiable(_ targets: [String: Int64]) -> [String: Int64] {
            targets.filter { view.nodeAdmin[$0.key]?.maintenance != true }
        }

        /// Who gets the `post` notification (Pacemaker: after stops, the instances that
        /// were not stopped; otherwise every instance that runs).
        func postTargets(_ record: NotificationRecord) -> [String: Int64] {
            switch record.operation {
            case .stop:
                let stopped = Set(record.nodes + (record.implied ?? []))
                return notifiable(active(includingFailed: false).filter { !stopped.contains($0.key) })
            case .demote, .start, .promote:
                return notifiable(active(includingFailed: false))
            }
        }

        static func operation(_ kind: ActionKind) -> NotificationRecord.Operation? {
            switch kind {
            case .demote: .demote
            case .stop: .stop
            case .start: .start
            case .promote: .promote
            case .fence: nil
            }
        }

        /// The `notify_*` lists for a cycle beginning now.
        func variables(implied: [String]) -> [String: String] {
            var planned: [NotificationRecord.Operation: [String]] = [:]
            for action in transition.actions where action.resource == resource {
                if let operation = Self.operation(action.kind) { planned[operation, default: []].append(action.node) }
            }
            planned[.stop, default: []].append(contentsOf: implied)
            let statuses = view.status.compactMapValues { $0[resource]?.state }
            let active = active(includingFailed: true).keys.sorted()
            func name(_ node: String) -> String { "\(resource):\(config.cloneInstance(on: node))" }
            func list(_ items: [String]) -> String { items.isEmpty ? " " : items.joined(separator: " ") }
            var vars: [String: String] = [:]
            func add(_ key: String, _ nodes: [String]) {
                let sorted = Array(Set(nodes)).sorted { config.cloneInstance(on: $0) < config.cloneInstance(on: $1) }
                vars["\(key)_resource"] = list(sorted.map(name))
                vars["\(key)_uname"] = list(sorted)
            }
            for operation in NotificationRecord.Operation.allCases { add(operation.rawValue, planned[operation] ?? []) }
            add("active", active)
            let promoted = active.filter { statuses[$0] == .promoted }
            let unpromoted = active.filter { statuses[$0] == .unpromoted }
            add("promoted", promoted)
            add("master", promoted)
            add("unpromoted", unpromoted)
            add("slave", unpromoted)
            let inactive = config.nodes.map(\.name).filter { !active.contains($0) }
            vars["inactive_resource"] = list(inactive.sorted { config.cloneInstance(on: $0) < config.cloneInstance(on: $1) }.map(name))
            vars["available_uname"] = list(config.nodes.map(\.name).filter { view.nodeAdmin[$0]?.standby != true })
            vars["all_uname"] = list(config.nodes.map(\.name))
            return vars
        }

        mutating func run(vanished: [String], into gate: inout NotificationGate) {
            let original = view.notifications[resource]?.record
            var record = original
            var pending = Set(record?.pendingStops ?? []).union(vanished)
            let due = transition.actions.indices.filter { index in
                let action = transition.actions[index]
                return action.resource == resource && action.after.isEmpty && !held && !withheld.contains(index)
                    && Self.operation(action.kind) != nil
            }
            func waiting(_ message: String) { gate.waitingFor.append("\(resource): \(message)") }
            // At most one stage change per stage (pre, acting, post, done, the next pre, …).
            for _ in 0..<8 {
                guard var current = record else {
                    guard let next = begin(pending: &pending, due: due, serial: 0) else { break }
                    record = next
                    continue
                }
                switch current.stage {
                case .pre, .post:
                    let remaining = current.targets.filter { node, incarnation in
                        view.incarnation(of: node) == incarnation && lost[node] == nil && view.status[node]?[resource] != nil
                            && view.status[node]?[resource]?.notified != current.acknowledgement
                    }.keys.sorted()
                    if !remaining.isEmpty {
                        waiting("\(current.stage == .pre ? "pre" : "post")-\(current.operation.rawValue) notification on \(remaining.joined(separator: ", "))")
                        record = current
                        break
                    }
                    if current.stage == .post {
                        current.stage = .done
                        current.targets = [:]
                        record = current
                        continue
                    }
                    let planned = transition.actions.indices.filter { index in
                        let action = transition.actions[index]
                        return action.resource == resource && Self.operation(action.kind) == current.operation
                            && current.nodes.contains(action.node)
                    }
                    let handOut = planned.filter { due.contains($0) }
                    if handOut.isEmpty && !planned.isEmpty && !due.isEmpty {
                        // The plan changed: what this cycle announced now waits for other
                        // actions of the clone (a start for a new stop of it). Like an aborted
                        // Pacemaker transition, the cycle ends without its post-notification
                        // and the next one announces what can go now.
                        current.stage = .done
                        current.targets = [:]
                        record = current
                        continue
                    }
                    if handOut.isEmpty && !planned.isEmpty {
                        waiting("\(current.operation.rawValue) waits for what it is ordered after")
                        record = current
                        break
                    }
                    if handOut.isEmpty {
                        // Nothing of it is planned any more (or the stops were implied).
                        current.stage = .post
                        current.targets = postTargets(current)
                        record = current
                        continue
                    }
                    gate.allowed.formUnion(handOut)
                    current.stage = .acting
                    current.targets = [:]
                    record = current
                case .acting:
                    if inFlight {
                        record = current
                        break
                    }
                    current.stage = .post
                    current.targets = postTargets(current)
                    record = current
                    continue
                case .done:
                    guard let next = begin(pending: &pending, due: due, serial: current.serial) else { break }
                    record = next
                    continue
                }
                break
            }
            guard var record else { return }
            record.pendingStops = pending.isEmpty ? nil : pending.sorted()
            if record != original {
                record.term = term
                gate.writes[resource] = record
            }
        }

        /// A new cycle: the lost instances' stops first, else the earliest operation among
        /// the clone's actions that could be handed out now; nil when there is none.
        func begin(pending: inout Set<String>, due: [Int], serial: Int64) -> NotificationRecord? {
            // An instance back on its node (an agent restarted with its service running) was not stopped.
            let running = active(includingFailed: true)
            let implied = pending.filter { running[$0] == nil }.sorted()
            pending = []
            if !implied.isEmpty {
                return NotificationRecord(
                    term: term, serial: serial + 1, operation: .stop, stage: .pre, nodes: [], implied: implied,
                    targets: preTargets(.stop, nodes: [], implied: implied), variables: variables(implied: implied))
            }
            let operations = due.compactMap { Self.operation(transition.actions[$0].kind) }
            guard let operation = NotificationRecord.Operation.allCases.first(where: operations.contains) else { return nil }
            let nodes = Array(Set(due.filter { Self.operation(transition.actions[$0].kind) == operation }.map { transition.actions[$0].node })).sorted()
            return NotificationRecord(
                term: term, serial: serial + 1, operation: operation, stage: .pre, nodes: nodes,
                targets: preTargets(operation, nodes: nodes, implied: []), variables: variables(implied: []))
        }
    }
}
