public import VigilCluster
public import VigilModel

/// The coordinator's Galera decisions (pure: a function of the view and the time).
///
/// With a Primary component running, it keeps one writer: the current one while it is
/// Synced and Primary, else the first such node by name. With none running, it chooses
/// the node to bootstrap — only once every Galera node's position is known:
/// - a live node that is stopped has published the position its agent recovered;
/// - a node that runs without being Primary reports `wsrep_last_committed`;
/// - a node that is down counts only when known stopped (fenced, its watchdog or
///   self-fence deadline passed, or it left cleanly): with the position it published when
///   it stopped; if it crashed while running, its position is unknown — unless a survivor
///   still runs, which was in the same Primary component and so holds everything it held.
/// The most advanced position wins (`safe_to_bootstrap: 1` first at equal seqno, then a
/// running survivor, then the first name); positions from different cluster histories are
/// never compared: an operator decides. A most advanced node that is down is waited for,
/// never bootstrapped past.
public enum GaleraPlanner {
    /// The plan for `resource` (a galera clone of `config`).
    public static func plan(resource: ResourceConfig, config: ClusterConfig, view: ClusterView, now: String, by coordinator: String) -> GaleraPlan {
        var plan = GaleraPlan()
        let name = resource.name
        let nodes = GaleraNodes.of(resource, in: config)
        let lost = StateBuilder.lostNodes(view: view, config: config)
        func status(_ node: String) -> StatusRecord? { view.members[node] != nil ? view.status[node]?[name] : nil }
        let primaries = nodes.filter { status($0)?.state == .started && status($0)?.galera?.primary == true }
        let writable = primaries.filter { status($0)?.galera?.synced == true }

        if !primaries.isEmpty {
            if view.galeraBootstrap[name] != nil { plan.deleteBootstrap = true }
            let current = view.galeraWriter[name]?.record.node
            if let first = writable.first, current.map({ !writable.contains($0) }) ?? true {
                plan.writer = GaleraWriterRecord(node: first, since: now)
            }
            return plan
        }

        if let bootstrap = view.galeraBootstrap[name] {
            let chosen = bootstrap.record.node
            let state = status(chosen)?.state
            switch bootstrap.record.mode {
            case _ where view.members[chosen] == nil:
                plan.deleteBootstrap = true
            case .newCluster:
                let used = view.galeraPositions[name]?[chosen]?.record.bootstrapRevision == bootstrap.modRevision
                if used && (state == .stopped || state == .failed || state == nil) { plan.deleteBootstrap = true }
            case .pcBootstrap:
                if state != .started { plan.deleteBootstrap = true }
            }
            return plan
        }

        struct Known {
            var node: String
            var uuid: String
            var seqno: Int64
            var safe: Bool
            var running: Bool
            var live: Bool
            var empty: Bool
            var banned = false
        }
        var known: [Known] = []
        var unknown: [String] = []
        var crashed: [String] = []
        for node in nodes {
            let position = view.galeraPositions[name]?[node]?.record
            if view.members[node] != nil {
                switch status(node)?.state {
                case .started?:
                    guard let galera = status(node)?.galera else {
                        unknown.append("\(node) runs but has not reported its Galera state")
                        continue
                    }
                    known.append(Known(node: node, uuid: galera.uuid, seqno: galera.seqno, safe: false, running: true, live: true, empty: false))
                case .stopped?, nil:
                    guard let position, !position.running else {
                        unknown.append("\(node) has not reported its recovered position")
                        continue
                    }
                    known.append(Known(
                        node: node, uuid: position.uuid, seqno: position.seqno, safe: position.safeToBootstrap, running: false, live: true,
                        empty: position.empty))
                case let state?:
                    unknown.append("\(node) is \(state.rawValue)")
                }
            } else if lost[node] != nil {
                unknown.append("\(node) is lost and not known stopped")
            } else if let position {
                if position.running {
                    crashed.append(node)
                } else {
                    known.append(Known(
                        node: node, uuid: position.uuid, seqno: position.seqno, safe: position.safeToBootstrap, running: false, live: false,
                        empty: position.empty))
                }
            }
            // A node that is down and never published a position never ran Galera: it
            // holds nothing.
        }
        for index in known.indices {
            known[index].banned = (view.failcounts[name]?[known[index].node]?.count ?? 0) >= Score.infinityValue
        }
        let survivors = known.filter(\.running)
        if !crashed.isEmpty && survivors.isEmpty {
            unknown += crashed.map { "\($0) stopped while running: its position is unknown until its agent recovers it" }
        }
        guard unknown.isEmpty else {
            plan.waiting = "no Primary component; waiting: " + unknown.joined(separator: "; ")
            return plan
        }
        let histories = Set(known.filter { !$0.empty && $0.uuid != "00000000-0000-0000-0000-000000000000" }.map(\.uuid))
        guard histories.count <= 1 else {
            plan.waiting = "no Primary component; the nodes hold different cluster histories (\(histories.sorted().joined(separator: ", "))): "
                + "choose with `vigil galera bootstrap NODE --force`"
            return plan
        }
        let ranked = known.sorted { a, b in
            if a.seqno != b.seqno { return a.seqno > b.seqno }
            if a.banned != b.banned { return !a.banned }
            if a.safe != b.safe { return a.safe }
            if a.running != b.running { return a.running }
            return a.node < b.node
        }
        let summary = ranked.map { "\($0.node)=\($0.seqno)\($0.safe ? " (safe_to_bootstrap)" : "")\($0.running ? " (running)" : "")" }
            .joined(separator: ", ") + (crashed.isEmpty ? "" : "; \(crashed.joined(separator: ", ")) crashed with the survivors")
        guard let best = ranked.first else {
            plan.waiting = "no Primary component and no Galera node known"
            return plan
        }
        guard !best.banned else {
            plan.waiting = "no Primary component; \(best.node) holds the most advanced position (seqno \(best.seqno)) but may not run \(name) "
                + "(failcount INFINITY): `vigil resource cleanup \(name) --node \(best.node)` once its cause is fixed (\(summary))"
            return plan
        }
        guard best.live else {
            plan.waiting = "no Primary component; \(best.node) holds the most advanced position (seqno \(best.seqno)) and is down: waiting for it (\(summary))"
            return plan
        }
        plan.bootstrap = GaleraBootstrapRecord(
            node: best.node, mode: best.running ? .pcBootstrap : .newCluster, uuid: best.uuid, seqno: best.seqno, at: now,
            reason: "most advanced: \(summary)", by: "coordinator \(coordinator)")
        return plan
    }
}
