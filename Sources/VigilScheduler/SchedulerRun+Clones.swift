import VigilModel

extension SchedulerRun {
    func cloneLimits(_ r: Int) -> (max: Int, perNode: Int, promotedMax: Int) {
        switch resources[r].variant {
        case .primitive: return (1, 1, 0)
        case .clone(let options): return (options.max ?? nodeCount, options.perNode, 0)
        case .promotable(let options): return (options.max ?? nodeCount, options.perNode, options.promotedMax)
        }
    }

    func assignClone(_ r: Int, unit: Int) {
        let limits = cloneLimits(r)
        let scores = scoresForPlacement(r, unit: unit)
        let own = allowanceScores(r, unit: unit)

        var placed: [Int] = []
        // Instances on maintenance nodes stay as they are and count toward max.
        for n in maintenanceNodes(r) {
            for _ in current[r][n] ?? [] { placed.append(n) }
        }
        // Where instances may run: the clone's own scores without stickiness. Stickiness and
        // its dependents' preferences (in `scores`) only rank those nodes.
        let eligible = (0..<nodeCount).filter { canRun[$0] && own[$0].allowsRunning }
        let toPlace = min(max(0, limits.max - placed.count), eligible.count * limits.perNode)
        if toPlace > 0 {
            let balanced = (toPlace + eligible.count - 1) / eligible.count
            var counts = Array(repeating: 0, count: nodeCount)
            var newlyPlaced = 0
            // 1. Active instances stay while their node holds fewer than the balanced share.
            let active = eligible.filter { isActiveForPlacement(r, $0) }
                .sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : nameRank[$0] < nameRank[$1] }
            for n in active {
                for _ in current[r][n] ?? [] where counts[n] < balanced && newlyPlaced < toPlace {
                    counts[n] += 1
                    newlyPlaced += 1
                }
            }
            // 2. The rest, one at a time, to the best node below the balanced share
            //    (which never exceeds per-node), so instances spread evenly.
            while newlyPlaced < toPlace {
                var best: Int?
                for n in eligible where counts[n] < balanced {
                    guard let b = best else { best = n; continue }
                    if scores[n] != scores[b] {
                        if scores[n] > scores[b] { best = n }
                    } else if counts[n] != counts[b] {
                        if counts[n] < counts[b] { best = n }
                    } else if assignedCount[n] != assignedCount[b] {
                        if assignedCount[n] < assignedCount[b] { best = n }
                    } else if nameRank[n] < nameRank[b] {
                        best = n
                    }
                }
                guard let node = best else { break }
                counts[node] += 1
                newlyPlaced += 1
            }
            for n in eligible where counts[n] > 0 {
                for _ in 0..<counts[n] { placed.append(n) }
            }
        }
        for n in placed { assignedCount[n] += 1 }
        target[r] = placed.sorted { nameRank[$0] < nameRank[$1] }
        if limits.promotedMax > 0 || resources[r].isPromotable {
            choosePromoted(r, unit: unit, promotedMax: limits.promotedMax)
        }
        recordCloneChoice(r, scores: scores, own: own, limits: (limits.max, limits.perNode))
    }

    /// Chooses the promoted instances among the placed ones (docs/scheduler.md,
    /// "Promotable clones").
    func choosePromoted(_ r: Int, unit: Int, promotedMax: Int) {
        let name = resources[r].name
        var chosen: Set<Int> = []
        // Promoted instances on maintenance nodes keep their role.
        for n in Set(target[r]) where activity[n] == .maintenance && current[r][n]?.contains(.promoted) == true {
            chosen.insert(n)
        }
        guard resources[r].targetRole != .unpromoted else {
            promoted[r] = chosen
            return
        }
        var priority = Array(repeating: Score.minusInfinity, count: nodeCount)
        let candidates = Set(target[r]).filter { canRun[$0] }
        for n in candidates {
            guard let score = state.promotionScores[name]?[nodeNames[n]] else { continue }
            priority[n] = score
            if !promotedLocation[r].isEmpty { priority[n] += promotedLocation[r][n] }
        }
        for c in colocationsByDependentUnit[unit] {
            let colocation = colocations[c]
            guard colocation.role == .promoted, colocation.dependent.resource == r,
                  let nodes = primaryNodes(colocation)
            else { continue }
            applyColocation(colocation, to: &priority, primary: nodes)
        }
        // Dependents colocated with the promoted role feed the choice, unless that
        // would leave nothing promotable.
        for c in colocationsByPrimaryUnit[unit] {
            let colocation = colocations[c]
            guard colocation.withRole == .promoted, colocation.score.value > 0, colocation.role == nil,
                  colocation.primary.resource == r
            else { continue }
            let scored = candidates.filter { state.promotionScores[name]?[nodeNames[$0]] != nil }
            if let accepted = merged(priority, with: preferences(of: colocation, primaryUnit: unit), on: scored) {
                priority = accepted
            }
        }
        let ranked = candidates.filter { priority[$0].allowsRunning && state.promotionScores[name]?[nodeNames[$0]] != nil }
            .sorted { a, b in
                if priority[a] != priority[b] { return priority[a] > priority[b] }
                let aPromoted = isActiveForPlacement(r, a) && current[r][a]?.contains(.promoted) == true
                let bPromoted = isActiveForPlacement(r, b) && current[r][b]?.contains(.promoted) == true
                if aPromoted != bPromoted { return aPromoted }
                return nameRank[a] < nameRank[b]
            }
        for n in ranked where chosen.count < promotedMax {
            chosen.insert(n)
        }
        promoted[r] = chosen
    }

    /// Without quorum: keep instances where they run (`freeze`), or only those on
    /// maintenance nodes (`stop`). Failed instances are never kept.
    func keepCurrent(includeUnknown: Bool, maintenanceOnly: Bool = false) {
        for r in resources.indices {
            var nodes: [Int] = []
            var roles: Set<Int> = []
            for n in currentNodes(r) {
                let keep: Bool
                switch activity[n] {
                case .maintenance: keep = true
                case .managed: keep = !maintenanceOnly
                case .unknown, .fencing: keep = includeUnknown && !maintenanceOnly
                case .gone: keep = false
                }
                guard keep, let states = current[r][n] else { continue }
                for instance in states where instance != .failed || activity[n] == .maintenance {
                    nodes.append(n)
                    if instance == .promoted { roles.insert(n) }
                }
            }
            if resources[r].isClone {
                // Never more than max and per-node, even frozen: instances the scheduler
                // cannot act on are kept first, then by node name.
                let limits = cloneLimits(r)
                let ordered = nodes.sorted { a, b in
                    let ma = activity[a] == .managed ? 1 : 0, mb = activity[b] == .managed ? 1 : 0
                    return ma != mb ? ma < mb : nameRank[a] < nameRank[b]
                }
                var perNode: [Int: Int] = [:]
                var kept: [Int] = []
                for n in ordered {
                    let unmanaged = activity[n] != .managed
                    guard unmanaged || (kept.count < limits.max && perNode[n, default: 0] < limits.perNode) else { continue }
                    perNode[n, default: 0] += 1
                    kept.append(n)
                }
                nodes = kept.sorted { nameRank[$0] < nameRank[$1] }
                roles = roles.filter { nodes.contains($0) }
            } else if nodes.count > 1 {
                // A primitive active twice keeps one instance (the one the scheduler
                // cannot act on, else the first by name); the others are stopped.
                let rank: (Int) -> Int = { n in
                    switch self.activity[n] {
                    case .maintenance: 0
                    case .unknown, .fencing: 1
                    default: 2
                    }
                }
                let keep = nodes.min { (rank($0), nameRank[$0]) < (rank($1), nameRank[$1]) } ?? nodes[0]
                nodes = [keep]
            }
            let limit = cloneLimits(r).promotedMax
            if roles.count > limit {
                // More promoted instances than allowed is never kept, even frozen: the
                // ones the scheduler cannot act on stay, then the highest promotion scores.
                let name = resources[r].name
                let ranked = roles.sorted { a, b in
                    let pa = activity[a] == .managed ? 1 : 0, pb = activity[b] == .managed ? 1 : 0
                    if pa != pb { return pa < pb }
                    let sa = state.promotionScores[name]?[nodeNames[a]] ?? .minusInfinity
                    let sb = state.promotionScores[name]?[nodeNames[b]] ?? .minusInfinity
                    return sa != sb ? sa > sb : nameRank[a] < nameRank[b]
                }
                roles = Set(ranked.prefix(max(limit, ranked.filter { activity[$0] != .managed }.count)))
            }
            target[r] = nodes
            promoted[r] = roles
        }
    }
}
