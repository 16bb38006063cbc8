import VigilModel

extension SchedulerRun {
    /// Effective stickiness of a resource (clone instances default to 1).
    func stickiness(_ resource: Int) -> Score {
        let config = resources[resource]
        if let own = config.stickiness { return own }
        if config.isClone && self.config.cluster.stickiness == .zero { return Score(1) }
        return self.config.cluster.stickiness
    }

    /// The failcount on `node` that still counts (not expired by `failure-timeout`).
    func effectiveFailcount(_ resource: Int, _ node: Int) -> Score {
        let name = resources[resource].name
        let nodeName = nodeNames[node]
        guard let count = state.failcounts[name]?[nodeName], count.value > 0 else { return .zero }
        if let timeout = resources[resource].failureTimeout, let now = state.now,
           let last = state.lastFailure[name]?[nodeName], now.since(last) >= timeout {
            return .zero
        }
        return count
    }

    /// Whether failures ban `resource` from `node`.
    func isBannedByFailures(_ resource: Int, _ node: Int) -> Bool {
        let count = effectiveFailcount(resource, node)
        if count.isInfinity { return true }
        guard let threshold = resources[resource].migrationThreshold else { return false }
        return count.value > 0 && count >= threshold
    }

    func computeBaseScores() {
        base = Array(repeating: .zero, count: resources.count * nodeCount)
        groupBase = Array(repeating: Array(repeating: .zero, count: nodeCount), count: config.groups.count)
        promotedLocation = Array(repeating: [], count: resources.count)
        for r in resources.indices {
            let stopped = resources[r].targetRole == .stopped
            for n in 0..<nodeCount where !canRun[n] || stopped || isBannedByFailures(r, n) {
                base[r * nodeCount + n] = .minusInfinity
                if let recorder {
                    if !canRun[n] { recorder.baseTerms[r][n].append(Explanation.Term(kind: .node, score: .minusInfinity, reason: nodeReason(n))) }
                    if stopped { recorder.baseTerms[r][n].append(Explanation.Term(kind: .targetRole, score: .minusInfinity, reason: "target-role: stopped")) }
                    if isBannedByFailures(r, n) {
                        recorder.baseTerms[r][n].append(Explanation.Term(kind: .failcount, score: .minusInfinity, reason: failureReason(r, n)))
                    }
                }
            }
        }
        for constraint in config.constraints {
            guard case .location(let location) = constraint else { continue }
            let nodes: [Int]
            switch location.target {
            case .node(let name): nodes = nodeIndex[name].map { [$0] } ?? []
            case .rule(let rule):
                nodes = (0..<nodeCount).filter { n in
                    let node = config.nodes[n]
                    let runtime = state.nodes[node.name]?.attributes ?? [:]
                    return rule.matches { ClusterConfig.attribute($0, of: node, runtime: runtime) }
                }
            }
            if let recorder, location.role != .promoted, location.role != .unpromoted {
                let what: String
                switch location.target {
                case .node(let name): what = "location on \(name)"
                case .rule(let rule): what = "location rule \"\(rule)\""
                }
                let term = Explanation.Term(kind: .location, score: location.score, reason: what)
                if let r = resourceIndex[location.resource] {
                    for n in nodes { recorder.baseTerms[r][n].append(term) }
                } else if let g = groupIndex[location.resource] {
                    for n in nodes { recorder.groupTerms[g][n].append(term) }
                }
            }
            if location.role == .promoted, let r = resourceIndex[location.resource] {
                if promotedLocation[r].isEmpty { promotedLocation[r] = Array(repeating: .zero, count: nodeCount) }
                for n in nodes { promotedLocation[r][n] += location.score }
            } else if location.role == .unpromoted {
                // Scores for the unpromoted role do not change placement (docs/scheduler.md).
                continue
            } else if let r = resourceIndex[location.resource] {
                for n in nodes { base[r * nodeCount + n] += location.score }
            } else if let g = groupIndex[location.resource] {
                for n in nodes { groupBase[g][n] += location.score }
            }
        }
    }

    /// Why a node can run nothing, in words.
    func nodeReason(_ n: Int) -> String {
        let name = nodeNames[n]
        switch activity[n] {
        case .gone: return state.status(of: name).unclean ? "\(name) is unclean (fencing disabled: counted as down)" : "\(name) is offline"
        case .fencing: return "\(name) is unclean (to be fenced)"
        case .unknown: return "\(name) is unclean"
        case .maintenance: return "\(name) is in maintenance"
        case .managed: return "\(name) is in standby"
        }
    }

    /// Why failures ban a resource from a node, in words.
    func failureReason(_ r: Int, _ n: Int) -> String {
        let name = resources[r].name
        let count = effectiveFailcount(r, n)
        var text = count.isInfinity
            ? "banned: failcount INFINITY (a start failed there)"
            : "banned: failcount \(count) ≥ migration-threshold \(resources[r].migrationThreshold ?? .infinity)"
        if let last = state.lastFailure[name]?[nodeNames[n]] {
            text += " (since \(last)"
            if let timeout = resources[r].failureTimeout { text += ", failure-timeout \(DurationParser.format(timeout))" }
            text += ")"
        } else if let timeout = resources[r].failureTimeout {
            text += " (failure-timeout \(DurationParser.format(timeout)))"
        }
        return text
    }

    /// The name of a constraint's end (a resource, or a group as a whole).
    func endpointName(_ endpoint: Endpoint) -> String {
        if let r = endpoint.resource { return resources[r].name }
        if case .group(let g) = units[endpoint.unit] { return config.groups[g].name }
        return "?"
    }

    func endpoint(_ name: String) -> Endpoint? {
        if let r = resourceIndex[name] { return Endpoint(unit: unitOfResource[r], resource: r) }
        if let g = groupIndex[name], unitOfGroup[g] >= 0 { return Endpoint(unit: unitOfGroup[g], resource: nil) }
        return nil
    }

    func resolveConstraints() {
        colocationsByDependentUnit = Array(repeating: [], count: units.count)
        colocationsByPrimaryUnit = Array(repeating: [], count: units.count)
        for constraint in config.constraints {
            switch constraint {
            case .colocation(let c):
                guard let dependent = endpoint(c.resource), let primary = endpoint(c.with), dependent.unit != primary.unit
                else { continue }
                // A colocation that closes a cycle (in configuration order) is ignored, so
                // that primaries are always placed before their dependents, whatever
                // order the units are visited in.
                if reaches(from: primary.unit, to: dependent.unit) { continue }
                let index = colocations.count
                colocations.append(ResolvedColocation(dependent: dependent, primary: primary, score: c.score,
                                                      role: c.role, withRole: c.withRole))
                colocationsByDependentUnit[dependent.unit].append(index)
                colocationsByPrimaryUnit[primary.unit].append(index)
            case .order(let o):
                guard let first = endpoint(o.first), let then = endpoint(o.then) else { continue }
                orders.append(ResolvedOrder(first: first, then: then, constraint: o))
            case .location:
                continue
            }
        }
    }

    /// Whether `target` is a (transitive) primary of `start` through accepted colocations.
    func reaches(from start: Int, to target: Int) -> Bool {
        if start == target { return true }
        var stack = [start]
        var seen: Set<Int> = [start]
        while let unit = stack.popLast() {
            for c in colocationsByDependentUnit[unit] {
                let next = colocations[c].primary.unit
                if next == target { return true }
                if seen.insert(next).inserted { stack.append(next) }
            }
        }
        return false
    }

    /// The score of `resource` on `node` when choosing where it goes: location, failures
    /// and eligibility, plus stickiness where it is active now.
    @inline(__always) func placementScore(_ resource: Int, _ node: Int) -> Score {
        let score = base[resource * nodeCount + node]
        return isActiveForPlacement(resource, node) ? score + stickiness(resource) : score
    }

    /// The static score of a unit on a node (location, failures, eligibility; no
    /// stickiness, no colocation): a group's is the sum over its longest runnable prefix.
    /// It orders the assignment and feeds dependents' preferences to their primaries, and
    /// leaves stickiness out so that neither depends on where things run now (which keeps
    /// planning idempotent).
    func staticScore(unit: Int, node: Int) -> Score {
        switch units[unit] {
        case .primitive(let r), .clone(let r):
            return baseScore(r, node)
        case .group(let g):
            var total = groupBase[g][node]
            guard total.allowsRunning else { return .minusInfinity }
            var prefix = 0
            for member in groupMembers[g] {
                let score = baseScore(member, node)
                guard (groupBase[g][node] + score).allowsRunning else { break }
                total += score
                prefix += 1
            }
            return prefix == 0 ? .minusInfinity : total
        }
    }

    /// A unit's preferences, scaled, plus (recursively) those of the units colocated
    /// with it: what a primary adds when it considers its dependents (Pacemaker's
    /// merge of colocated node scores).
    func dependentPreferences(unit: Int, factor: Double, depth: Int, visited: inout Set<Int>) -> [Score] {
        var scores = (0..<nodeCount).map { staticScore(unit: unit, node: $0).scaled(by: factor) }
        if !scores.contains(where: { !$0.isMinusInfinity }) || !(0..<nodeCount).contains(where: { staticScore(unit: unit, node: $0).allowsRunning }) {
            return Array(repeating: .zero, count: nodeCount)
        }
        guard depth < 8 else { return scores }
        for c in colocationsByPrimaryUnit[unit] {
            let colocation = colocations[c]
            guard colocation.score.value > 0, colocation.role == nil, colocation.withRole == nil,
                  !visited.contains(colocation.dependent.unit)
            else { continue }
            visited.insert(colocation.dependent.unit)
            let nested = dependentPreferences(unit: colocation.dependent.unit,
                                              factor: factor * Double(colocation.score.value) / Double(Score.infinityValue),
                                              depth: depth + 1, visited: &visited)
            for n in 0..<nodeCount { scores[n] += nested[n] }
        }
        return scores
    }

    /// The preferences one colocation's dependent feeds to its primary (scaled by the
    /// colocation's score).
    func preferences(of colocation: ResolvedColocation, primaryUnit unit: Int) -> [Score] {
        var visited: Set<Int> = [unit, colocation.dependent.unit]
        return dependentPreferences(unit: colocation.dependent.unit,
                                    factor: Double(colocation.score.value) / Double(Score.infinityValue),
                                    depth: 1, visited: &visited)
    }

    /// Adds `preferences` to `judged` on `nodes`; nil when that would leave no node there
    /// allowed (the merge is then rolled back, as in Pacemaker).
    func merged(_ judged: [Score], with preferences: [Score], on nodes: some Sequence<Int>) -> [Score]? {
        var result = judged
        var anyAllowed = false
        for n in nodes {
            result[n] += preferences[n]
            if result[n].allowsRunning { anyAllowed = true }
        }
        return anyAllowed ? result : nil
    }

    /// Adds the preferences of the unit's positive-score dependents to `scores`, each
    /// merge rolled back if it would leave no node allowed. Whether a node is allowed is
    /// judged on `staticScores` (the same scores without stickiness), so the decision does
    /// not depend on where things run now. A dependent that can run nowhere has no
    /// preference to give.
    func mergeDependents(into scores: inout [Score], staticScores: [Score], unit: Int) {
        var judged = staticScores
        let runnable = (0..<nodeCount).filter { canRun[$0] }
        for c in colocationsByPrimaryUnit[unit] {
            let colocation = colocations[c]
            guard colocation.score.value > 0, colocation.role == nil, colocation.withRole == nil,
                  unitProgress[colocation.dependent.unit] != 2
            else { continue }
            let preferences = preferences(of: colocation, primaryUnit: unit)
            guard let accepted = merged(judged, with: preferences, on: runnable) else { continue }
            judged = accepted
            for n in 0..<nodeCount { scores[n] += preferences[n] }
            if let recorder, recorder.collecting != nil {
                let reason = "preferred by \(endpointName(colocation.dependent)), colocated with it (\(colocation.score))"
                for n in 0..<nodeCount where preferences[n] != .zero {
                    recorder.add(Explanation.Term(kind: .dependents, score: preferences[n], reason: reason), node: n)
                }
            }
        }
    }

    /// A resource's scores when choosing its node (with stickiness) and the same without
    /// stickiness, both with its colocations as a dependent and its dependents' preferences.
    func scoresForPlacement(_ r: Int, unit: Int) -> [Score] {
        var scores = (0..<nodeCount).map { placementScore(r, $0) }
        let staticScores = allowanceScores(r, unit: unit)
        if let recorder {
            var terms = recorder.baseTerms[r]
            for n in 0..<nodeCount where isActiveForPlacement(r, n) && stickiness(r) != .zero {
                terms[n].append(Explanation.Term(kind: .stickiness, score: stickiness(r), reason: "runs here now (stickiness \(stickiness(r)))"))
            }
            recorder.collecting = (r, terms)
        }
        if let extra = colocationScores(unit: unit, resource: r) {
            for n in 0..<nodeCount { scores[n] += extra[n] }
        }
        mergeDependents(into: &scores, staticScores: staticScores, unit: unit)
        if let recorder, let collected = recorder.collecting {
            recorder.pending[r] = collected.terms
            recorder.collecting = nil
        }
        return scores
    }

    /// A resource's scores without stickiness and without its dependents' preferences, with
    /// its colocations as a dependent: where a clone's instances may run, as in Pacemaker —
    /// a node the clone's own constraints score negative takes no instance, however sticky
    /// one running there is, and a primitive colocated with the clone only ranks the clone's
    /// nodes (it does not keep the other instances off the nodes it cannot use).
    func allowanceScores(_ r: Int, unit: Int) -> [Score] {
        var scores = (0..<nodeCount).map { baseScore(r, $0) }
        if let extra = colocationScores(unit: unit, resource: r) {
            for n in 0..<nodeCount { scores[n] += extra[n] }
        }
        return scores
    }
}
