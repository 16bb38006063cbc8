import VigilModel

extension SchedulerRun {
    /// Places everything, then stops what cannot run after all: a `then` whose mandatory
    /// `first` will not run, and what is INFINITY-colocated with something stopped
    /// (Pacemaker's semantics: such a resource is placed, then cannot start). A resource
    /// stopped this way is placed as if it ran nowhere (no stickiness, no preference for
    /// its current node), repeating until that set is stable, so that where it would have
    /// gone does not depend on where it ran: re-planning stays idempotent.
    func placeWithoutBlockedResources() {
        for _ in 0...resources.count {
            target = Array(repeating: [], count: resources.count)
            promoted = Array(repeating: [], count: resources.count)
            assignedCount = Array(repeating: 0, count: nodeCount)
            unitProgress = Array(repeating: 0, count: units.count)
            assignAll()
            let placed = target
            applyBlocking()
            let blocked = Set(resources.indices.filter { target[$0] != placed[$0] })
            if blocked.isSubset(of: placedAsIfStopped) { return }
            placedAsIfStopped.formUnion(blocked)
        }
    }

    /// The resources a blocked endpoint stops: itself and, in a group, the members after it.
    func blockedResources(_ endpoint: Endpoint) -> [Int] {
        if let r = endpoint.resource {
            if let g = groupOfResource[r], let position = groupMembers[g].firstIndex(of: r) {
                return Array(groupMembers[g][position...])
            }
            return [r]
        }
        return resourcesOf(unit: endpoint.unit)
    }

    /// After placement: a mandatory `then` whose `first` will not be active (or promoted)
    /// cannot run, nor can anything INFINITY-colocated with a resource that no longer
    /// runs where it was placed; repeated until nothing changes.
    func applyBlocking() {
        var changed = true
        var rounds = 0
        while changed && rounds <= resources.count + 1 {
            changed = false
            rounds += 1
            for order in orders where order.constraint.kind == .mandatory {
                guard !isSatisfied(order.first, action: order.constraint.firstAction) else { continue }
                if order.constraint.thenAction == .promote, let r = order.then.resource {
                    if !promoted[r].isEmpty && !pinned[r] {
                        promoted[r] = []
                        changed = true
                    }
                } else if order.constraint.thenAction == .start {
                    changed = clear(order.then) || changed
                }
            }
            for colocation in colocations where colocation.score.isInfinity && colocation.role == nil {
                guard let nodes = primaryNodes(colocation) else { continue }
                changed = restrict(colocation.dependent, to: nodes) || changed
            }
            for colocation in colocations where colocation.score.isInfinity && colocation.role == .promoted {
                guard let r = colocation.dependent.resource, let nodes = primaryNodes(colocation) else { continue }
                let allowed = promoted[r].filter { nodes.contains($0) || activity[$0] == .maintenance }
                if allowed.count != promoted[r].count {
                    promoted[r] = allowed
                    changed = true
                }
            }
            for g in groupMembers.indices {
                changed = enforcePrefix(g) || changed
            }
        }
    }

    func isSatisfied(_ endpoint: Endpoint, action: ResourceAction) -> Bool {
        let rs: [Int]
        if let r = endpoint.resource {
            rs = [r]
        } else {
            rs = resourcesOf(unit: endpoint.unit).prefix(1).map { $0 }
        }
        switch action {
        case .start: return rs.contains { !target[$0].isEmpty }
        case .promote: return rs.contains { !promoted[$0].isEmpty }
        case .stop, .demote: return true
        }
    }

    /// Stops an endpoint (and, in a group, the members after it). Returns whether anything changed.
    func clear(_ endpoint: Endpoint) -> Bool {
        var rs: [Int]
        if let r = endpoint.resource {
            if let g = groupOfResource[r], let position = groupMembers[g].firstIndex(of: r) {
                rs = Array(groupMembers[g][position...])
            } else {
                rs = [r]
            }
        } else {
            rs = resourcesOf(unit: endpoint.unit)
        }
        var changed = false
        for r in rs where !target[r].isEmpty {
            let kept = target[r].filter { activity[$0] == .maintenance }
            if kept.count != target[r].count {
                target[r] = kept
                promoted[r] = promoted[r].filter { kept.contains($0) }
                changed = true
            }
        }
        return changed
    }

    /// Removes a dependent's instances from nodes outside `nodes`.
    func restrict(_ endpoint: Endpoint, to nodes: Set<Int>) -> Bool {
        let rs: [Int]
        if let r = endpoint.resource {
            if let g = groupOfResource[r], let position = groupMembers[g].firstIndex(of: r) {
                // A member that cannot stay takes the members after it along.
                if let node = target[r].first, !nodes.contains(node), activity[node] != .maintenance {
                    return clear(Endpoint(unit: unitOfGroup[g], resource: groupMembers[g][position]))
                }
                return false
            }
            rs = [r]
        } else {
            rs = resourcesOf(unit: endpoint.unit)
        }
        var changed = false
        for r in rs {
            let kept = target[r].filter { nodes.contains($0) || activity[$0] == .maintenance }
            if kept.count != target[r].count {
                target[r] = kept
                promoted[r] = promoted[r].filter { kept.contains($0) }
                changed = true
            }
        }
        return changed
    }

    /// A group member that does not run stops the members after it.
    func enforcePrefix(_ g: Int) -> Bool {
        var changed = false
        var stopped = false
        for member in groupMembers[g] {
            if stopped {
                let kept = target[member].filter { activity[$0] == .maintenance }
                if kept.count != target[member].count {
                    target[member] = kept
                    changed = true
                }
            } else if target[member].isEmpty {
                stopped = true
            }
        }
        return changed
    }
}
