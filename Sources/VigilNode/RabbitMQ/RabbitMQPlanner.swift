public import VigilCluster
public import VigilModel

/// The coordinator's RabbitMQ decisions (pure: a function of the view).
///
/// While an instance runs, nothing is chosen: every other node joins it. With none
/// running and nodes waiting (``StatusRecord/waiting``), it chooses the one node that may
/// start alone:
/// - no node of the resource holds data of a multi-node cluster (by its record): a new
///   cluster, on a waiting node with data first (a standalone node keeps its
///   definitions), else the first by name;
/// - otherwise, when every node that may have stopped last (``RabbitMQStopOrder``) is
///   offline or banned from the resource — gone, as far as the cluster can tell —
///   `force_boot` on the node with cluster data whose stop was recorded last of the
///   others, once it is online and waits (while it is offline, nothing is chosen: an
///   earlier one holds an older copy). While one that may have stopped last is online and
///   may run the resource, they start together as members and nothing is chosen.
public enum RabbitMQPlanner {
    /// The plan for `resource` (a rabbitmq clone of `config`).
    public static func plan(resource: ResourceConfig, config: ClusterConfig, view: ClusterView, now: String, by coordinator: String) -> RabbitMQPlan {
        var plan = RabbitMQPlan()
        let name = resource.name
        let nodes = ClusterNodes.of(resource, in: config)
        func status(_ node: String) -> StatusRecord? { view.members[node] != nil ? view.status[node]?[name] : nil }
        let running = nodes.filter { status($0)?.state == .started && status($0)?.rabbitmq?.running == true }
        if !running.isEmpty {
            plan.deleteBoot = view.rabbitmqBoot[name] != nil
            return plan
        }
        if let boot = view.rabbitmqBoot[name] {
            if view.members[boot.record.node] == nil || status(boot.record.node)?.state == .failed { plan.deleteBoot = true }
            return plan
        }
        let waiting = nodes.filter { status($0)?.state == .stopped && status($0)?.waiting == true }
        guard !waiting.isEmpty else { return plan }
        let records = view.rabbitmqNodes[name] ?? [:]
        let clustered = nodes.filter { node in records[node].map { $0.record.initialised && $0.record.members.count > 1 } ?? false }
        if clustered.isEmpty {
            let chosen = waiting.first { records[$0]?.record.initialised == true } ?? waiting[0]
            plan.boot = RabbitMQBootRecord(
                node: chosen, mode: .newCluster, reason: "no node holds data of a RabbitMQ cluster: \(chosen) starts a new one", at: now, by: coordinator)
            return plan
        }
        // Gone: offline, or banned from the resource (it will never start it here).
        guard let last = RabbitMQStopOrder.lastStoppers(records), last.allSatisfy({ view.members[$0] == nil || !nodes.contains($0) })
        else { return plan }
        // The latest stop among every other node with cluster data — online or not, waiting
        // or not: it is chosen once it is here and waits. Booting an earlier one would boot
        // an older copy: the later one, back, would then wait for the missing last node
        // forever (its Mnesia waits for the nodes that ran when it stopped), and its quorum
        // queue logs hold what the booted one never saw. Caught by CI: the node that stopped
        // first came back first and was force-booted; the other hung on its return.
        let candidates = clustered.filter { !last.contains($0) }
        guard let chosen = candidates.max(by: { (records[$0]?.modRevision ?? 0, $1) < (records[$1]?.modRevision ?? 0, $0) }),
            view.members[chosen] != nil, waiting.contains(chosen)
        else { return plan }
        plan.boot = RabbitMQBootRecord(
            node: chosen, mode: .forceBoot,
            reason: "\(last.sorted().joined(separator: ", ")) may have stopped last and \(last.count == 1 ? "is" : "are") offline; \(chosen) stopped last of the nodes that are here",
            at: now, by: coordinator)
        return plan
    }
}
