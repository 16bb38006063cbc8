import VigilModel

/// What the scheduler records while it plans when it is asked to explain
/// (``Scheduler/explain(config:state:)``). Each function is called at the point where the
/// scheduler itself adds a score or makes a choice.
extension SchedulerRun {
    /// Records one colocation's effect on the resource being placed.
    func recordColocation(_ colocation: ResolvedColocation, primary nodes: Set<Int>) {
        guard let recorder, recorder.collecting != nil else { return }
        let role = colocation.withRole.map { "\($0.rawValue) " } ?? ""
        let primary = role + endpointName(colocation.primary)
        let whereText = nodes.isEmpty ? "which runs nowhere" : "which runs on \(names(nodes).joined(separator: ", "))"
        let score = colocation.score
        for n in 0..<nodeCount {
            let inPrimary = nodes.contains(n)
            if score.isInfinity, !inPrimary {
                recorder.add(Explanation.Term(kind: .colocation, score: .minusInfinity, reason: "must run with \(primary) (INFINITY), \(whereText)"), node: n)
            } else if score.isMinusInfinity, inPrimary {
                recorder.add(Explanation.Term(kind: .colocation, score: .minusInfinity, reason: "must not run with \(primary) (-INFINITY), which runs here"), node: n)
            } else if !score.isInfinity, !score.isMinusInfinity, inPrimary, score != .zero {
                recorder.add(Explanation.Term(kind: .colocation, score: score, reason: "colocated with \(primary) (\(score)), which runs here"), node: n)
            }
        }
    }

    /// Node names in name order.
    func names(_ nodes: some Sequence<Int>) -> [String] {
        nodes.sorted { nameRank[$0] < nameRank[$1] }.map { nodeNames[$0] }
    }

    func nodeScores(_ scores: [Score], _ terms: [[Explanation.Term]]) -> [Explanation.NodeScore] {
        (0..<nodeCount).map { Explanation.NodeScore(node: nodeNames[$0], score: scores[$0], terms: terms[$0]) }
    }

    /// Records the choice for primitive `r` (before the chosen node's count goes up).
    func recordChoice(_ r: Int, scores: [Score], chosen: Int?, current: Int?) {
        guard let recorder else { return }
        let terms = recorder.pending.removeValue(forKey: r) ?? recorder.baseTerms[r]
        let decision = chosen.map { choiceReason($0, scores: scores, current: current) } ?? unplacedReason(scores: scores, terms: terms)
        recorder.explanations[r] = Explanation(
            resource: resources[r].name, group: nil, nodes: nodeScores(scores, terms), placed: chosen.map { [nodeNames[$0]] } ?? [],
            promoted: nil, decision: decision)
    }

    /// Records a primitive left as it is on its maintenance node.
    func recordPinned(_ r: Int) {
        guard let recorder else { return }
        let nodes = maintenanceNodes(r)
        recorder.explanations[r] = Explanation(
            resource: resources[r].name, group: groupOfResource[r].map { config.groups[$0].name },
            nodes: nodeScores((0..<nodeCount).map { baseScore(r, $0) }, recorder.baseTerms[r]), placed: names(nodes),
            promoted: nil, decision: "left as it is on \(names(nodes).joined(separator: ", ")), in maintenance")
    }

    /// Why `winner` beat the next best node (the rule that decided).
    func choiceReason(_ winner: Int, scores: [Score], current: Int?) -> String {
        var runnerUp: Int?
        for n in 0..<nodeCount where n != winner && scores[n].allowsRunning && canRun[n] {
            guard let best = runnerUp else { runnerUp = n; continue }
            if isBetter(n, than: best, scores: scores, current: current) { runnerUp = n }
        }
        let a = nodeNames[winner]
        guard let other = runnerUp else { return "\(a): the only node where it may run (score \(scores[winner]))" }
        let b = nodeNames[other]
        if scores[winner] != scores[other] { return "\(a): the highest score (\(scores[winner]); next \(b) with \(scores[other]))" }
        let tie = "\(a): tied with \(b) at \(scores[winner])"
        if assignedCount[winner] != assignedCount[other] {
            return "\(tie); \(a) has fewer resources placed before it (\(assignedCount[winner]) against \(assignedCount[other]))"
        }
        if (winner == current) != (other == current) { return "\(tie); it runs on \(a) now" }
        return "\(tie), as loaded, and neither runs it now; the lower node name"
    }

    /// The shortest reason a resource runs nowhere.
    func unplacedReason(scores: [Score], terms: [[Explanation.Term]]) -> String {
        /// "n2 is in standby", "n1: banned: …" — the node named once.
        func blocker(_ n: Int) -> String {
            let name = nodeNames[n]
            let reason = (terms[n].first(where: { $0.score.isMinusInfinity && $0.kind != .colocation })
                ?? terms[n].first(where: { $0.score.isMinusInfinity }))?.reason ?? "score \(scores[n])"
            return reason.hasPrefix(name + " ") ? reason : "\(name): \(reason)"
        }
        if (0..<nodeCount).allSatisfy({ n in terms[n].contains { $0.kind == .targetRole } }) { return "target-role is stopped" }
        if nodeCount == 0 { return "no nodes are configured" }
        // An INFINITY colocation names the nodes it could use: say why each of those cannot.
        let needs = (0..<nodeCount).compactMap { n in terms[n].first { $0.kind == .colocation && $0.score.isMinusInfinity && $0.reason.hasPrefix("must run with") } }
        if let colocation = needs.first {
            let allowed = (0..<nodeCount).filter { n in !terms[n].contains(colocation) }
            if allowed.isEmpty { return colocation.reason }
            let why = allowed.map(blocker).joined(separator: "; ")
            return "\(colocation.reason), but \(why)"
        }
        return "can run nowhere: " + (0..<nodeCount).map(blocker).joined(separator: "; ")
    }

    /// Records a group's choice for each of its members.
    func recordGroupChoice(_ g: Int, totals: [Score], terms: [[Explanation.Term]], prefix: [Int], chosen: Int?, current: Int?) {
        guard let recorder else { return }
        var decision: String
        if let chosen {
            var runnerUp: Int?
            for n in 0..<nodeCount where n != chosen && prefix[n] > 0 {
                guard let best = runnerUp else { runnerUp = n; continue }
                if prefix[n] != prefix[best] ? prefix[n] > prefix[best] : isBetter(n, than: best, scores: totals, current: current) { runnerUp = n }
            }
            if let other = runnerUp, prefix[other] != prefix[chosen] {
                decision = "\(nodeNames[chosen]): more of its members can run there (\(prefix[chosen]) against \(prefix[other]) on \(nodeNames[other]))"
            } else {
                decision = choiceReason(chosen, scores: totals, current: current)
            }
            let members = groupMembers[g]
            if prefix[chosen] < members.count {
                decision += "; \(members.dropFirst(prefix[chosen]).map { resources[$0].name }.joined(separator: ", ")) cannot run there and stop"
            }
        } else {
            decision = unplacedReason(scores: totals, terms: terms)
        }
        for (index, member) in groupMembers[g].enumerated() {
            let placed = chosen.flatMap { index < prefix[$0] ? [nodeNames[$0]] : nil } ?? []
            recorder.explanations[member] = Explanation(
                resource: resources[member].name, group: config.groups[g].name, nodes: nodeScores(totals, terms), placed: placed,
                promoted: nil, decision: "group \(config.groups[g].name): \(decision)")
        }
    }

    /// Records where a clone's instances went (and its promoted ones).
    func recordCloneChoice(_ r: Int, scores: [Score], own: [Score], limits: (max: Int, perNode: Int)) {
        guard let recorder else { return }
        let terms = recorder.pending.removeValue(forKey: r) ?? recorder.baseTerms[r]
        let placedNodes = Set(target[r])
        var decision: String
        if placedNodes.isEmpty {
            decision = unplacedReason(scores: own, terms: terms)
        } else {
            decision = "instances on \(names(placedNodes).joined(separator: ", ")) (max \(limits.max), \(limits.perNode) per node): "
                + "every node its own constraints allow, highest score first, spread evenly"
            let excluded = (0..<nodeCount).filter { !placedNodes.contains($0) }
            let refused = excluded.filter { !canRun[$0] || !own[$0].allowsRunning }
            if !refused.isEmpty {
                decision += "; not on " + refused.map { n in
                    "\(nodeNames[n]) (\(terms[n].first { $0.score.isMinusInfinity }?.reason ?? "score \(own[n])"))"
                }.joined(separator: ", ")
            }
            if refused.count < excluded.count { decision += "; the other nodes are not needed (max \(limits.max))" }
        }
        var promotedNames: [String]?
        if resources[r].isPromotable {
            promotedNames = names(promoted[r])
            decision += promoted[r].isEmpty ? "; promoted nowhere" : "; promoted on \(names(promoted[r]).joined(separator: ", ")) (highest promotion scores)"
        }
        recorder.explanations[r] = Explanation(
            resource: resources[r].name, group: nil, nodes: nodeScores(scores, terms), placed: names(target[r]), promoted: promotedNames,
            decision: decision)
    }
}
