import VigilModel

extension SchedulerRun {
    /// Assigns every unit: by highest static score, then declaration order; each unit's
    /// primaries first.
    func assignAll() {
        var keys: [(score: Score, order: Int, unit: Int)] = []
        keys.reserveCapacity(units.count)
        for unit in units.indices {
            var best = Score.minusInfinity
            for n in 0..<nodeCount {
                let score = staticScore(unit: unit, node: n)
                if score > best { best = score }
            }
            keys.append((best, unitOrder[unit], unit))
        }
        keys.sort { $0.score != $1.score ? $0.score > $1.score : $0.order < $1.order }
        for key in keys { assign(unit: key.unit) }
    }

    func assign(unit: Int) {
        guard unitProgress[unit] == 0 else { return }
        unitProgress[unit] = 1
        for c in colocationsByDependentUnit[unit] {
            assign(unit: colocations[c].primary.unit)
        }
        switch units[unit] {
        case .primitive(let r): assignPrimitive(r, unit: unit)
        case .group(let g): assignGroup(g, unit: unit)
        case .clone(let r): assignClone(r, unit: unit)
        }
        unitProgress[unit] = 2
    }

    /// The nodes where the primary end of a colocation will run (nil: not assigned yet,
    /// so the constraint is ignored, which breaks colocation cycles).
    func primaryNodes(_ colocation: ResolvedColocation) -> Set<Int>? {
        guard unitProgress[colocation.primary.unit] == 2 else { return nil }
        let r: Int
        if let resource = colocation.primary.resource {
            r = resource
        } else if case .group(let g) = units[colocation.primary.unit], let first = groupMembers[g].first {
            r = first
        } else {
            return []
        }
        switch colocation.withRole {
        case nil: return Set(target[r])
        case .promoted?: return promoted[r]
        case .unpromoted?: return Set(target[r]).subtracting(promoted[r])
        }
    }

    /// Adds the effect of one colocation (dependent side) to a score row.
    func applyColocation(_ colocation: ResolvedColocation, to scores: inout [Score], primary nodes: Set<Int>) {
        let score = colocation.score
        for n in 0..<nodeCount {
            let inPrimary = nodes.contains(n)
            if score.isInfinity {
                if !inPrimary { scores[n] = .minusInfinity }
            } else if score.isMinusInfinity {
                if inPrimary { scores[n] = .minusInfinity }
            } else if inPrimary {
                scores[n] += score
            }
        }
    }

    /// Colocation effects on the unit as a dependent, for `resource` (nil: the unit as a whole).
    func colocationScores(unit: Int, resource: Int?) -> [Score]? {
        var scores: [Score]?
        for c in colocationsByDependentUnit[unit] {
            let colocation = colocations[c]
            guard colocation.role == nil, colocation.dependent.resource == resource || isWholeUnit(colocation.dependent, resource),
                  let nodes = primaryNodes(colocation)
            else { continue }
            if scores == nil { scores = Array(repeating: .zero, count: nodeCount) }
            applyColocation(colocation, to: &scores!, primary: nodes)
            recordColocation(colocation, primary: nodes)
        }
        return scores
    }

    /// A primitive or clone named directly counts as the unit as a whole.
    private func isWholeUnit(_ endpoint: Endpoint, _ resource: Int?) -> Bool {
        guard resource == nil, let named = endpoint.resource else { return false }
        switch units[endpoint.unit] {
        case .primitive(let r), .clone(let r): return r == named
        case .group: return false
        }
    }

    /// Picks the best node: highest score, then fewest assigned, then `currentNode`, then name.
    func chooseNode(_ scores: [Score], current: Int?, allowed: (Int) -> Bool = { _ in true }) -> Int? {
        var best: Int?
        for n in 0..<nodeCount where scores[n].allowsRunning && canRun[n] && allowed(n) {
            guard let b = best else { best = n; continue }
            if isBetter(n, than: b, scores: scores, current: current) { best = n }
        }
        return best
    }

    func isBetter(_ n: Int, than b: Int, scores: [Score], current: Int?) -> Bool {
        if scores[n] != scores[b] { return scores[n] > scores[b] }
        if assignedCount[n] != assignedCount[b] { return assignedCount[n] < assignedCount[b] }
        if (n == current) != (b == current) { return n == current }
        return nameRank[n] < nameRank[b]
    }

    func assignPrimitive(_ r: Int, unit: Int) {
        if pinned[r] {
            // Left as it is on its maintenance node.
            target[r] = maintenanceNodes(r)
            for n in target[r] { assignedCount[n] += 1 }
            recordPinned(r)
            return
        }
        let scores = scoresForPlacement(r, unit: unit)
        let node = chooseNode(scores, current: currentNodes(r).first)
        recordChoice(r, scores: scores, chosen: node, current: currentNodes(r).first)
        if let node {
            target[r] = [node]
            assignedCount[node] += 1
        }
    }

    func assignGroup(_ g: Int, unit: Int) {
        let members = groupMembers[g]
        if let pinnedNode = members.lazy.flatMap({ self.maintenanceNodes($0) }).first {
            for member in members where current[member][pinnedNode] != nil {
                target[member] = [pinnedNode]
                assignedCount[pinnedNode] += 1
            }
            return
        }
        var groupScores = groupBase[g]
        if let recorder { recorder.collecting = (-1, recorder.groupTerms[g]) }
        if let extra = colocationScores(unit: unit, resource: nil) {
            for n in 0..<nodeCount { groupScores[n] += extra[n] }
        }
        mergeDependents(into: &groupScores, staticScores: groupScores, unit: unit)
        var groupTerms = recorder?.collecting?.terms ?? []
        recorder?.collecting = nil
        var memberScores: [[Score]] = []
        for member in members {
            var row = (0..<nodeCount).map { placementScore(member, $0) }
            if let extra = colocationScores(unit: unit, resource: member) {
                for n in 0..<nodeCount { row[n] += extra[n] }
            }
            memberScores.append(row)
            if let recorder {
                let name = resources[member].name
                for n in 0..<nodeCount {
                    if row[n].isMinusInfinity {
                        for term in recorder.baseTerms[member][n] where term.score.isMinusInfinity {
                            groupTerms[n].append(Explanation.Term(kind: .group, score: term.score, reason: "member \(name): \(term.reason)"))
                        }
                    } else if row[n] != .zero {
                        groupTerms[n].append(Explanation.Term(kind: .group, score: row[n], reason: "member \(name) (its locations and stickiness)"))
                    }
                }
            }
        }
        // Per node: the longest runnable prefix and its summed score.
        var prefix = Array(repeating: 0, count: nodeCount)
        var total = Array(repeating: Score.minusInfinity, count: nodeCount)
        for n in 0..<nodeCount where canRun[n] && groupScores[n].allowsRunning {
            var sum = groupScores[n]
            var length = 0
            for row in memberScores {
                guard (groupScores[n] + row[n]).allowsRunning else { break }
                sum += row[n]
                length += 1
            }
            prefix[n] = length
            total[n] = length > 0 ? sum : .minusInfinity
        }
        let currentNode = members.lazy.flatMap { self.currentNodes($0) }.first
        var best: Int?
        for n in 0..<nodeCount where prefix[n] > 0 {
            guard let b = best else { best = n; continue }
            if prefix[n] != prefix[b] {
                if prefix[n] > prefix[b] { best = n }
            } else if isBetter(n, than: b, scores: total, current: currentNode) {
                best = n
            }
        }
        recordGroupChoice(g, totals: total, terms: groupTerms, prefix: prefix, chosen: best, current: currentNode)
        guard let node = best else { return }
        for member in members.prefix(prefix[node]) {
            target[member] = [node]
            assignedCount[node] += 1
        }
    }
}
