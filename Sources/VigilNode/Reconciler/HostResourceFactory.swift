public import VigilCluster
public import Logging
public import VigilAgents
import VigilCommand
public import VigilModel

/// Makes handles that run resources on this host: OCF agents, supervised processes and
/// virtual IPs (``ResourceMapping``).
public struct HostResourceFactory: ResourceHandleFactory {
    /// Where OCF agents keep per-instance runtime files.
    public var runtimeDirectory: String
    /// The executors' logger.
    public var logger: Logger
    /// The directory under which each resource that runs processes gets its cgroup
    /// (`<root>/<resource>`); nil runs them in the agent's own cgroup.
    public var cgroupRoot: String?
    /// The OCF root (`<root>/resource.d/<provider>/<type>`).
    public var ocfRoot: String
    /// How OCF agents reach Vigil's `crm_attribute`, `attrd_updater` and `crm_node`
    /// (nil: the promotion-score script alone).
    public var shim: AttributeShim?

    /// Creates a factory.
    public init(runtimeDirectory: String, cgroupRoot: String? = nil, ocfRoot: String = "/usr/lib/ocf", logger: Logger) {
        self.runtimeDirectory = runtimeDirectory
        self.cgroupRoot = cgroupRoot
        self.ocfRoot = ocfRoot
        self.logger = logger
    }

    /// The handle for `resource`.
    public func handle(for resource: ResourceConfig, in config: ClusterConfig) throws(VigilClusterError) -> ResourceHandle {
        let cgroup = cgroupRoot.flatMap { root in
            ResourceMapping.runsProcesses(resource) ? ResourceCgroup(path: root + "/" + CgroupHierarchy.sanitized(resource.name)) : nil
        }
        let executor = try ResourceMapping.executor(
            for: resource, nodeCount: config.nodes.count, instance: shim?.node.map(config.cloneInstance(on:)) ?? 0,
            runtimeDirectory: runtimeDirectory, cgroup: cgroup, ocfRoot: ocfRoot, shim: shim, logger: logger)
        let galera = executor as? GaleraExecutor
        let rabbitmq = executor as? RabbitMQExecutor
        let events = (executor as? ProcessExecutor)?.events ?? galera?.events ?? rabbitmq?.events
        return ResourceHandle(
            executor: executor, processEvents: events, probes: ResourceMapping.probes(for: resource), cgroup: cgroup, galera: galera,
            rabbitmq: rabbitmq)
    }
}
