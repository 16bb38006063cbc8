import VigilModel
import VigilScheduler

/// Checks a transition's placements against the rules that must never bend.
struct PlacementChecker {
    let cluster: RandomCluster
    let transition: Transition

    var config: ClusterConfig { cluster.config }
    var state: ClusterState { cluster.state }

    var quorate: Bool { state.quorum || config.cluster.noQuorumPolicy == .ignore }

    func nodes(_ resource: String) -> [String] { transition.placements[resource]?.allNodes ?? [] }

    func promotedNodes(_ resource: String) -> [String] {
        if case .roles(let promoted, _)? = transition.placements[resource] { return promoted }
        return []
    }

    /// Instances the scheduler cannot act on: on maintenance nodes, or on lost nodes that
    /// cannot be fenced (no quorum).
    func isPinned(_ resource: String, _ node: String) -> Bool {
        let status = state.status(of: node)
        let untouchable = (status.online && status.maintenance)
            || (status.unclean && !quorate && config.cluster.fencing != .disabled)
        return untouchable && !state.instances(of: resource, on: node).isEmpty
    }

    func failureBanned(_ resource: ResourceConfig, _ node: String) -> Bool {
        guard let count = state.failcounts[resource.name]?[node] else { return false }
        if count.isInfinity { return true }
        if let threshold = resource.migrationThreshold { return count.value > 0 && count >= threshold }
        return false
    }

    func problems() -> [String] {
        var problems: [String] = []
        for resource in config.resources {
            let placed = nodes(resource.name)
            for node in placed where !isPinned(resource.name, node) {
                let status = state.status(of: node)
                if quorate {
                    if !status.online || status.standby || status.unclean || status.maintenance {
                        problems.append("\(resource.name) placed on \(node), which cannot run resources (\(status))")
                    }
                    if failureBanned(resource, node) { problems.append("\(resource.name) placed on \(node) despite its failcount") }
                    if resource.targetRole == .stopped { problems.append("\(resource.name) is target-role stopped but placed on \(node)") }
                } else if config.cluster.noQuorumPolicy == .stop {
                    problems.append("\(resource.name) placed on \(node) without quorum under policy stop")
                } else if state.instances(of: resource.name, on: node).isEmpty {
                    problems.append("\(resource.name) newly placed on \(node) without quorum under policy freeze")
                }
            }
            switch resource.variant {
            case .primitive:
                // Instances on maintenance nodes are not managed, so only the others count.
                if placed.filter({ !isPinned(resource.name, $0) }).count > 1 { problems.append("primitive \(resource.name) placed on \(placed)") }
            case .clone(let options):
                problems += limits(resource, placed, max: options.max, perNode: options.perNode, promotedMax: 0)
            case .promotable(let options):
                problems += limits(resource, placed, max: options.max, perNode: options.perNode, promotedMax: options.promotedMax)
                if resource.targetRole == .unpromoted, quorate, !promotedNodes(resource.name).allSatisfy({ isPinned(resource.name, $0) }) {
                    problems.append("\(resource.name) is target-role unpromoted but promoted")
                }
                for node in promotedNodes(resource.name) where quorate && !isPinned(resource.name, node)
                    && state.promotionScores[resource.name]?[node] == nil {
                    problems.append("\(resource.name) promoted on \(node), which has no promotion score")
                }
            }
        }
        guard quorate else { return problems }
        for constraint in config.constraints {
            switch constraint {
            case .location(let location) where location.score.isMinusInfinity && location.role == nil:
                for member in members(location.resource) {
                    for node in nodes(member) where !isPinned(member, node) && matches(location.target, node) {
                        problems.append("\(member) placed on \(node) despite location -INFINITY")
                    }
                }
            case .colocation(let colocation) where colocation.role == nil && (colocation.score.isInfinity || colocation.score.isMinusInfinity):
                let primary: Set<String> = colocation.withRole == .promoted
                    ? Set(promotedNodes(colocation.with))
                    : Set(members(colocation.with).prefix(1).flatMap { nodes($0) })
                for member in members(colocation.resource) {
                    for node in nodes(member) where !isPinned(member, node) && !anyPinned(colocation.with) {
                        if colocation.score.isInfinity && !primary.contains(node) {
                            problems.append("\(member) on \(node) but INFINITY-colocated with \(colocation.with) on \(primary.sorted())")
                        }
                        if colocation.score.isMinusInfinity && primary.contains(node) {
                            problems.append("\(member) on \(node) together with \(colocation.with) despite -INFINITY")
                        }
                    }
                }
            case .order(let order) where order.kind == .mandatory && order.firstAction == .start && order.thenAction == .start:
                let thenPlaced = members(order.then).contains { !nodes($0).isEmpty }
                let firstPlaced = members(order.first).contains { !nodes($0).isEmpty }
                if thenPlaced && !firstPlaced && !members(order.then).contains(where: { anyPinned($0) }) {
                    problems.append("\(order.then) runs but its mandatory predecessor \(order.first) does not")
                }
            default:
                break
            }
        }
        for group in config.groups {
            let placedNodes = group.members.map { nodes($0) }
            let all = Set(placedNodes.flatMap { $0 })
            if all.count > 1 && !group.members.contains(where: anyPinned) { problems.append("group \(group.name) split over \(all.sorted())") }
            if let gap = placedNodes.firstIndex(where: \.isEmpty), placedNodes[gap...].contains(where: { !$0.isEmpty }),
               !group.members.contains(where: anyPinned) {
                problems.append("group \(group.name) runs a member after a stopped one")
            }
        }
        return problems
    }

    func anyPinned(_ name: String) -> Bool {
        members(name).contains { member in config.nodes.contains { isPinned(member, $0.name) } }
    }

    func members(_ name: String) -> [String] {
        config.group(named: name)?.members ?? [name]
    }

    func matches(_ target: LocationConstraint.Target, _ node: String) -> Bool {
        switch target {
        case .node(let name): return name == node
        case .rule(let rule): return config.nodes.first { $0.name == node }.map(rule.matches) ?? false
        }
    }

    func limits(_ resource: ResourceConfig, _ placed: [String], max: Int?, perNode: Int, promotedMax: Int) -> [String] {
        var problems: [String] = []
        let pinnedCount = placed.filter { isPinned(resource.name, $0) }.count
        if placed.count - pinnedCount > (max ?? config.nodes.count) { problems.append("\(resource.name): \(placed.count) instances, max \(max ?? config.nodes.count)") }
        for node in Set(placed) where placed.filter({ $0 == node }).count > perNode && !isPinned(resource.name, node) {
            problems.append("\(resource.name): more than \(perNode) instances on \(node)")
        }
        let promoted = promotedNodes(resource.name)
        if promoted.filter({ !isPinned(resource.name, $0) }).count > promotedMax { problems.append("\(resource.name): \(promoted.count) promoted, promoted-max \(promotedMax)") }
        if !Set(promoted).isSubset(of: Set(placed)) { problems.append("\(resource.name): promoted where it is not placed") }
        return problems
    }
}

/// Checks the safety of the action graph: a primitive (or a promoted role limited to
/// one) never starts while it may still be active elsewhere.
struct ExclusivityChecker {
    let cluster: RandomCluster
    let transition: Transition

    func problems() -> [String] {
        var problems: [String] = []
        let config = cluster.config, state = cluster.state
        let actions = transition.actions
        func index(_ text: String) -> [Int] { actions.indices.filter { actions[$0].description == text } }
        for resource in config.resources {
            let exclusiveStart = !resource.isClone
            let exclusivePromote: Bool
            if case .promotable(let options) = resource.variant { exclusivePromote = options.promotedMax == 1 } else { exclusivePromote = false }
            guard exclusiveStart || exclusivePromote else { continue }
            let kind: ActionKind = exclusiveStart ? .start : .promote
            for (i, action) in actions.enumerated() where action.kind == kind && action.resource == resource.name {
                for (node, states) in state.resources[resource.name] ?? [:] where node != action.node {
                    let active = states.filter(\.isActive)
                    let relevant = exclusiveStart ? !active.isEmpty : active.contains(.promoted)
                    guard relevant else { continue }
                    let status = state.status(of: node)
                    if status.unclean && config.cluster.fencing != .disabled {
                        if !index("fence \(node)").contains(where: { transition.waits(i, for: $0) }) {
                            problems.append("\(action) does not wait for fence \(node), where \(resource.name) may still run")
                        }
                    } else if status.online {
                        let release = exclusiveStart ? index("stop \(resource.name) \(node)")
                            : index("demote \(resource.name) \(node)") + index("stop \(resource.name) \(node)")
                        if !release.contains(where: { transition.waits(i, for: $0) }) {
                            problems.append("\(action) while \(resource.name) stays \(exclusiveStart ? "active" : "promoted") on \(node)")
                        }
                    }
                }
            }
        }
        return problems
    }
}
