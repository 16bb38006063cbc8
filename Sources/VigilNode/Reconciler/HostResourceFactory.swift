public import Logging
import VigilAgents
public import VigilModel

/// Makes handles that run resources on this host: OCF agents, supervised processes and
/// virtual IPs (``ResourceMapping``).
public struct HostResourceFactory: ResourceHandleFactory {
    /// Where OCF agents keep per-instance runtime files.
    public var runtimeDirectory: String
    /// The executors' logger.
    public var logger: Logger

    /// Creates a factory.
    public init(runtimeDirectory: String, logger: Logger) {
        self.runtimeDirectory = runtimeDirectory
        self.logger = logger
    }

    /// The handle for `resource`.
    public func handle(for resource: ResourceConfig, in config: ClusterConfig) throws(VigilNodeError) -> ResourceHandle {
        let executor = try ResourceMapping.executor(
            for: resource, nodeCount: config.nodes.count, runtimeDirectory: runtimeDirectory, logger: logger)
        let events = (executor as? ProcessExecutor)?.events
        return ResourceHandle(executor: executor, processEvents: events, probes: ResourceMapping.probes(for: resource))
    }
}
