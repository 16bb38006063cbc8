extension ClusterConfig {
    /// The configured nodes where `resource` may run as far as the configuration alone
    /// can tell: every node but those a `-INFINITY` location without a role keeps it off —
    /// by the node's name, or by a rule matched against the node's configured attributes.
    ///
    /// Attributes set at run time (`vigil node attribute set`, transient ones) can change
    /// the answer; this is the configuration's own view, used by validation to ask
    /// "which nodes must have what this resource needs".
    public func nodesAllowed(for resource: ResourceConfig) -> [NodeConfig] {
        let names = [resource.name] + groups.filter { $0.members.contains(resource.name) }.map(\.name)
        let bans = constraints.compactMap { constraint -> LocationConstraint? in
            guard case .location(let location) = constraint, names.contains(location.resource), location.role == nil,
                  location.score.isMinusInfinity
            else { return nil }
            return location
        }
        return nodes.filter { node in
            !bans.contains { ban in
                switch ban.target {
                case .node(let name): name == node.name
                case .rule(let rule): rule.matches(node)
                }
            }
        }
    }
}
