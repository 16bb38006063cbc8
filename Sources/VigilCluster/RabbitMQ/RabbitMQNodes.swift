public import VigilModel

/// The RabbitMQ nodes of a resource: Vigil node → Erlang node name.
public enum RabbitMQNodes {
    /// Each node of `resource` (``ClusterNodes``) with its Erlang node name, by Vigil node.
    public static func of(_ resource: ResourceConfig, in config: ClusterConfig) -> [String: String] {
        var result: [String: String] = [:]
        for node in ClusterNodes.of(resource, in: config) {
            if case .rabbitmq(let params) = resource.resolved(on: node).params { result[node] = params.nodename(on: node) }
        }
        return result
    }
}
