/// A whole cluster configuration: the YAML file of DESIGN.md, decoded and validated.
///
/// Build one with ``ConfigDecoder``; a value of this type has passed validation.
public struct ClusterConfig: Sendable, Hashable {
    /// Cluster-wide properties.
    public var cluster: ClusterProperties
    /// Configured nodes, in file order.
    public var nodes: [NodeConfig]
    /// Resources, in file order.
    public var resources: [ResourceConfig]
    /// Groups, in file order.
    public var groups: [GroupConfig]
    /// Constraints, in file order.
    public var constraints: [Constraint]
    /// Fence devices.
    public var fenceDevices: [FenceDeviceConfig]

    /// Creates a configuration (not validated; use ``ConfigDecoder`` for input).
    public init(cluster: ClusterProperties, nodes: [NodeConfig] = [], resources: [ResourceConfig] = [],
                groups: [GroupConfig] = [], constraints: [Constraint] = [], fenceDevices: [FenceDeviceConfig] = []) {
        self.cluster = cluster
        self.nodes = nodes
        self.resources = resources
        self.groups = groups
        self.constraints = constraints
        self.fenceDevices = fenceDevices
    }

    /// The resource named `name`.
    public func resource(named name: String) -> ResourceConfig? {
        resources.first { $0.name == name }
    }

    /// The group named `name`.
    public func group(named name: String) -> GroupConfig? {
        groups.first { $0.name == name }
    }
}
