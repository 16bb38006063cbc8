import VigilModel

/// What happens to one resource on one node.
struct NodeDelta {
    var stops = 0
    var starts = 0
    var demote = false
    var promote = false
    /// The node is being fenced while the resource is active there.
    var impliedStop = false
    /// ...and it was promoted there.
    var impliedDemote = false
    /// Instances that stay running through the transition.
    var kept = 0
}

extension SchedulerRun {
    /// Actions with their ordering, topologically sorted.
    func planActions() -> [PlannedAction] {
        var restartStart = Array(repeating: Set<Int>(), count: resources.count)
        var restartRole = Array(repeating: Set<Int>(), count: resources.count)
        var deltas = computeDeltas(restartStart: restartStart, restartRole: restartRole)
        if quorumMode == .normal {
            // Without quorum nothing is started, so nothing is restarted either.
            propagateRestarts(&deltas, restartStart: &restartStart, restartRole: &restartRole)
        }
        var graph = ActionGraph()
        var fenceAction: [Int: Int] = [:]
        for n in fenceNodes {
            fenceAction[n] = graph.add(kind: .fence, resource: -1, node: n, key: (0, 0, nameRank[n]))
        }
        var byKind = Array(repeating: [[Int]](repeating: [], count: 5), count: resources.count)
        var demoteOn = Array(repeating: [Int: Int](), count: resources.count)
        var stopsOn = Array(repeating: [Int: [Int]](), count: resources.count)
        for r in resources.indices {
            for (n, delta) in deltas[r].sorted(by: { nameRank[$0.key] < nameRank[$1.key] }) {
                if delta.demote {
                    let a = graph.add(kind: .demote, resource: r, node: n, key: (1, r, nameRank[n]))
                    byKind[r][ActionGraph.phase(.demote)].append(a)
                    demoteOn[r][n] = a
                }
                for _ in 0..<delta.stops {
                    let a = graph.add(kind: .stop, resource: r, node: n, key: (2, r, nameRank[n]))
                    byKind[r][ActionGraph.phase(.stop)].append(a)
                    stopsOn[r][n, default: []].append(a)
                }
                for _ in 0..<delta.starts {
                    byKind[r][ActionGraph.phase(.start)].append(graph.add(kind: .start, resource: r, node: n, key: (3, r, nameRank[n])))
                }
                if delta.promote {
                    byKind[r][ActionGraph.phase(.promote)].append(graph.add(kind: .promote, resource: r, node: n, key: (4, r, nameRank[n])))
                }
            }
        }
        func actions(_ r: Int, _ kind: ActionKind) -> [Int] { byKind[r][ActionGraph.phase(kind)] }

        for r in resources.indices {
            // Recovery of what ran on a fenced node waits for the fence.
            for (n, delta) in deltas[r] where delta.impliedStop {
                guard let fence = fenceAction[n] else { continue }
                graph.order(before: [fence], after: actions(r, .start) + actions(r, .promote))
            }
            // Exclusive: every start waits for every stop of the same resource.
            graph.order(before: actions(r, .stop), after: actions(r, .start))
            if resources[r].isPromotable {
                graph.order(before: actions(r, .demote) + actions(r, .stop) + actions(r, .start), after: actions(r, .promote))
                for (n, demote) in demoteOn[r] {
                    graph.order(before: [demote], after: stopsOn[r][n] ?? [])
                }
            }
        }
        for members in groupMembers {
            for (i, earlier) in members.enumerated() {
                for later in members[(i + 1)...] {
                    graph.order(before: actions(earlier, .start), after: actions(later, .start))
                    graph.order(before: actions(later, .stop), after: actions(earlier, .stop))
                }
            }
            let stops = members.flatMap { actions($0, .stop) }
            let starts = members.flatMap { actions($0, .start) }
            graph.order(before: stops, after: starts)
        }
        for order in orders {
            let firstResources = order.first.resource.map { [$0] } ?? resourcesOf(unit: order.first.unit)
            let thenResources = order.then.resource.map { [$0] } ?? resourcesOf(unit: order.then.unit)
            func collect(_ rs: [Int], _ kind: ActionKind) -> [Int] { rs.flatMap { actions($0, kind) } }
            let o = order.constraint
            switch o.kind {
            case .mandatory, .optional:
                graph.order(before: collect(firstResources, ActionKind(o.firstAction)),
                            after: collect(thenResources, ActionKind(o.thenAction)))
                if o.symmetrical {
                    graph.order(before: collect(thenResources, ActionKind(o.thenAction.inverse)),
                                after: collect(firstResources, ActionKind(o.firstAction.inverse)))
                }
            case .serialize:
                let all: [ActionKind] = [.demote, .stop, .start, .promote]
                graph.order(before: all.flatMap { collect(firstResources, $0) }, after: all.flatMap { collect(thenResources, $0) })
            }
        }
        return graph.sorted(resourceName: { self.resources[$0].name }, nodeName: { self.nodeNames[$0] })
    }

    func computeDeltas(restartStart: [Set<Int>], restartRole: [Set<Int>]) -> [[Int: NodeDelta]] {
        var deltas = Array(repeating: [Int: NodeDelta](), count: resources.count)
        for r in resources.indices {
            var nodes = Set(current[r].keys)
            nodes.formUnion(target[r])
            for n in nodes {
                var delta = NodeDelta()
                switch activity[n] {
                case .maintenance, .unknown, .gone:
                    continue
                case .fencing:
                    guard let states = current[r][n] else { continue }
                    delta.impliedStop = true
                    delta.impliedDemote = states.contains(.promoted)
                case .managed:
                    let states = current[r][n] ?? []
                    let failed = states.filter { $0 == .failed }.count
                    let healthy = states.count - failed
                    let wanted = target[r].filter { $0 == n }.count
                    let keep = restartStart[r].contains(n) ? 0 : min(healthy, wanted)
                    delta.kept = keep
                    delta.stops = states.count - keep
                    delta.starts = wanted - keep
                    let isPromoted = states.contains(.promoted)
                    let staysPromoted = promoted[r].contains(n)
                    delta.demote = isPromoted && (keep == 0 || !staysPromoted || restartRole[r].contains(n))
                    delta.promote = staysPromoted && (!isPromoted || delta.demote)
                }
                if delta.stops > 0 || delta.starts > 0 || delta.demote || delta.promote || delta.impliedStop || delta.kept > 0 {
                    deltas[r][n] = delta
                }
            }
        }
        return deltas
    }

    /// Restarts what depends on something that stops: later group members, and the
    /// `then` side of mandatory orders. Repeated until nothing changes.
    func propagateRestarts(_ deltas: inout [[Int: NodeDelta]], restartStart: inout [Set<Int>], restartRole: inout [Set<Int>]) {
        func stops(_ r: Int) -> Bool { deltas[r].values.contains { $0.stops > 0 || $0.impliedStop } }
        func demotes(_ r: Int) -> Bool { deltas[r].values.contains { $0.demote || $0.impliedDemote } }
        var changed = true
        var rounds = 0
        while changed && rounds <= resources.count + 1 {
            changed = false
            rounds += 1
            for members in groupMembers {
                for (i, member) in members.enumerated() {
                    for (n, delta) in deltas[member] where delta.stops > 0 || delta.impliedStop {
                        for later in members[(i + 1)...] where (deltas[later][n]?.kept ?? 0) > 0 && !restartStart[later].contains(n) {
                            restartStart[later].insert(n)
                            changed = true
                        }
                    }
                }
            }
            for order in orders where order.constraint.kind == .mandatory {
                let firstResources = order.first.resource.map { [$0] } ?? resourcesOf(unit: order.first.unit)
                let thenResources = order.then.resource.map { [$0] } ?? resourcesOf(unit: order.then.unit)
                let trigger: Bool
                switch order.constraint.firstAction {
                case .start: trigger = firstResources.contains { stops($0) }
                case .promote: trigger = firstResources.contains { demotes($0) }
                case .stop, .demote: trigger = false
                }
                guard trigger else { continue }
                for r in thenResources where !pinned[r] {
                    for (n, delta) in deltas[r] where delta.kept > 0 {
                        if order.constraint.thenAction == .promote {
                            if promoted[r].contains(n) && current[r][n]?.contains(.promoted) == true && !restartRole[r].contains(n) {
                                restartRole[r].insert(n)
                                changed = true
                            }
                        } else if order.constraint.thenAction == .start && !restartStart[r].contains(n) {
                            restartStart[r].insert(n)
                            changed = true
                        }
                    }
                }
            }
            if changed {
                deltas = computeDeltas(restartStart: restartStart, restartRole: restartRole)
            }
        }
    }
}

extension ActionKind {
    init(_ action: ResourceAction) {
        switch action {
        case .start: self = .start
        case .stop: self = .stop
        case .promote: self = .promote
        case .demote: self = .demote
        }
    }
}
