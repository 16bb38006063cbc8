import VigilModel

extension SchedulerRun {
    /// The recorded explanations, completed with what happened after the choices: a
    /// resource stopped by a mandatory order, or a run without quorum (no choice made).
    func explanations(for transition: Transition) -> [String: Explanation] {
        guard let recorder else { return [:] }
        var result: [String: Explanation] = [:]
        for r in resources.indices {
            let name = resources[r].name
            let placement = transition.placements[name]
            let final = placement?.allNodes ?? []
            var explanation: Explanation
            if let recorded = recorder.explanations[r] {
                explanation = recorded
            } else {
                // Nothing was chosen in this run: no quorum (stop or freeze).
                let scores = (0..<nodeCount).map { baseScore(r, $0) }
                let policy = config.cluster.noQuorumPolicy.rawValue
                explanation = Explanation(
                    resource: name, group: groupOfResource[r].map { config.groups[$0].name }, nodes: nodeScores(scores, recorder.baseTerms[r]),
                    placed: final, promoted: nil,
                    decision: quorumMode == .stop
                        ? "the partition has no quorum (no-quorum-policy: \(policy)): nothing runs"
                        : "the partition has no quorum (no-quorum-policy: \(policy)): it stays where it runs")
            }
            if final.isEmpty, !explanation.placed.isEmpty {
                explanation.decision = "it would run on \(explanation.placed.joined(separator: ", ")), but \(blockReason(r, transition: transition))"
            }
            explanation.placed = final
            if case .roles(let promoted, _)? = placement { explanation.promoted = promoted }
            result[name] = explanation
        }
        return result
    }

    /// Why a resource the scheduler placed ends stopped: a mandatory order whose `first`
    /// will not run (or not be promoted), or an INFINITY colocation with something so stopped.
    func blockReason(_ r: Int, transition: Transition) -> String {
        let name = resources[r].name
        let group = groupOfResource[r].map { config.groups[$0].name }
        func runs(_ resource: String, promoted: Bool) -> Bool {
            let names = config.groups.first { $0.name == resource }?.members ?? [resource]
            return names.allSatisfy { member in
                guard let placement = transition.placements[member] else { return false }
                if promoted, case .roles(let promotedNodes, _) = placement { return !promotedNodes.isEmpty }
                return !placement.allNodes.isEmpty
            }
        }
        for constraint in config.constraints {
            guard case .order(let order) = constraint, order.kind == .mandatory, order.then == name || order.then == group else { continue }
            let promoted = order.firstAction == .promote
            if !runs(order.first, promoted: promoted) {
                return "a mandatory order needs \(order.first) to \(order.firstAction.rawValue) first (order \(order.first) then \(order.then)), and \(order.first) will not \(promoted ? "be promoted" : "run")"
            }
        }
        if let group, let members = config.groups.first(where: { $0.name == group })?.members, let index = members.firstIndex(of: name), index > 0 {
            let before = members[members.index(before: index)]
            if !runs(before, promoted: false) { return "it follows \(before) in group \(group), and \(before) will not run" }
        }
        for constraint in config.constraints {
            guard case .colocation(let colocation) = constraint, colocation.score.isInfinity,
                colocation.resource == name || colocation.resource == group, !runs(colocation.with, promoted: colocation.withRole == .promoted)
            else { continue }
            return "it must run with \(colocation.with) (INFINITY), which will not run"
        }
        return "a mandatory order stops it (something it is ordered after will not run)"
    }
}
