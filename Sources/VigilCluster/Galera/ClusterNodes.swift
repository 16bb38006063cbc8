public import VigilModel

/// Which nodes a clustered-data resource (Galera, RabbitMQ) runs on: the nodes its
/// `node-params` name when it has any, else every configured node; minus nodes a
/// `location` constraint bans by name with -INFINITY. Each may hold the cluster's data, so
/// each counts when the cluster is formed or recovered.
public enum ClusterNodes {
    /// The nodes of `resource` in `config`, sorted.
    public static func of(_ resource: ResourceConfig, in config: ClusterConfig) -> [String] {
        let configured = config.nodes.map(\.name)
        var nodes = resource.nodeParams.isEmpty ? configured : configured.filter { resource.nodeParams[$0] != nil }
        for constraint in config.constraints {
            guard case .location(let location) = constraint, location.resource == resource.name, location.score == .minusInfinity,
                case .node(let banned) = location.target
            else { continue }
            nodes.removeAll { $0 == banned }
        }
        return nodes.sorted()
    }
}
