public import VigilModel

extension Transition {
    /// The state that results when every action of this transition succeeds: instances
    /// where the placements say (failed ones recovered), fenced nodes offline, instances
    /// the scheduler does not manage (maintenance nodes, lost nodes not yet fenced) as
    /// they were. Used to check idempotence, and by simulations.
    public func applied(to state: ClusterState, config: ClusterConfig) -> ClusterState {
        var next = state
        for action in actions where action.kind == .fence {
            next.nodes[action.node] = NodeStatus(online: false)
        }
        func unmanaged(_ node: String) -> Bool {
            let status = next.status(of: node)
            if status.online && status.maintenance { return true }
            return status.unclean && config.cluster.fencing != .disabled
        }
        var resources: [String: [String: [InstanceState]]] = [:]
        for resource in config.resources {
            var perNode: [String: [InstanceState]] = [:]
            for (node, states) in state.resources[resource.name] ?? [:] where unmanaged(node) {
                perNode[node] = states
            }
            switch placements[resource.name] ?? .nodes([]) {
            case .nodes(let nodes):
                for node in nodes where !unmanaged(node) { perNode[node, default: []].append(.started) }
            case .roles(let promoted, let unpromoted):
                for node in promoted where !unmanaged(node) { perNode[node, default: []].append(.promoted) }
                for node in unpromoted where !unmanaged(node) { perNode[node, default: []].append(.unpromoted) }
            }
            if !perNode.isEmpty { resources[resource.name] = perNode }
        }
        next.resources = resources
        return next
    }
}
