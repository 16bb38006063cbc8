public import VigilCluster
public import VigilAgents
public import VigilModel

/// When and how a stopped RabbitMQ node starts (pure: a function of the view).
///
/// - A peer runs: a node whose data and whose peer both count it a member just starts;
///   any other joins through that peer (the peer forgets a replaced node first; data of a
///   cluster that no longer counts it is moved aside). One node joins at a time: while
///   another live node holds the join turn (`rabbitmq/<resource>/joining`), a joiner waits.
/// - None runs: the coordinator's boot choice (a new cluster, or `force_boot`) is the only
///   way to start alone. A node whose data names other members starts with them as a
///   member when a node that may have stopped last is online and may run the resource
///   (they find each other); otherwise it waits for that node or for the coordinator's
///   `force_boot` choice.
/// - A node without data of a multi-node cluster never forms a cluster on its own.
public enum RabbitMQStartRule {
    /// The decision for `node` (Erlang name `nodename`, stopped, data `local`).
    public static func decide(
        resource: ResourceConfig, node: String, nodename: String, local: RabbitMQLocalData, view: ClusterView, config: ClusterConfig
    ) -> RabbitMQStartDecision {
        let name = resource.name
        let nodenames = RabbitMQNodes.of(resource, in: config)
        let peers = nodenames.keys.sorted().filter { other in
            guard other != node, view.members[other] != nil, let status = view.status[other]?[name] else { return false }
            return status.state == .started && status.rabbitmq?.running == true
        }
        if let peer = peers.first, let peerName = nodenames[peer] {
            let counted = view.status[peer]?[name]?.rabbitmq?.members.contains(nodename) ?? false
            if local.initialised, counted, local.members.contains(peerName) { return .start(.member) }
            if let joining = view.rabbitmqJoining[name]?.record, joining.node != node, view.members[joining.node] != nil {
                return .wait("\(joining.node) is joining the cluster through \(joining.peer): one node joins at a time")
            }
            return .start(.join(peer: peerName, forgetFirst: counted, discardLocal: local.initialised))
        }
        if let boot = view.rabbitmqBoot[name] {
            guard boot.record.node == node else { return .wait("waiting for \(boot.record.node) to start the cluster (\(boot.record.reason))") }
            return .start(boot.record.mode == .newCluster ? .newCluster : .forceBoot)
        }
        guard local.initialised, local.members.contains(where: { $0 != nodename }) else {
            return .wait("no RabbitMQ node runs: waiting for the coordinator to choose the node that starts the cluster")
        }
        let records = view.rabbitmqNodes[name] ?? [:]
        guard let last = RabbitMQStopOrder.lastStoppers(records) else { return .start(.member) }
        // Online = a member that may run the resource: one banned from it (given up by the
        // operator) never starts it, and waiting for it would wait forever.
        let online = last.filter { view.members[$0] != nil && nodenames[$0] != nil }
        if !online.isEmpty { return .start(.member) }
        return .wait(
            "the node\(last.count == 1 ? "" : "s") that may have stopped last (\(last.sorted().joined(separator: ", "))) \(last.count == 1 ? "is" : "are") offline: waiting for \(last.count == 1 ? "it" : "them"), or for the coordinator's force_boot choice")
    }
}
