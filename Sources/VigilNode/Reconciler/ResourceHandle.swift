public import VigilCluster
public import VigilAgents
public import VigilCommand
public import VigilHealth
public import VigilModel

/// How the reconciler drives one local resource: its executor, the process-exit events of
/// supervised processes (noticed at once, not at the next monitor), and its health probes.
public struct ResourceHandle: Sendable {
    /// Starts, stops and monitors the resource.
    public var executor: any ResourceExecutor
    /// Exits of the resource's process, for kinds that supervise one (nil otherwise).
    public var processEvents: AsyncStream<ProcessEvent>?
    /// The resource's health probes.
    public var probes: [ProbeSpec]
    /// The cgroup everything the resource starts runs in (nil: the kind runs no process
    /// of its own, or cgroups are off): a stop that fails is escalated to killing it, and
    /// the resource counts as stopped only once it is empty.
    public var cgroup: ResourceCgroup?
    /// For a Galera node: its executor, for what only Galera has (positions, start modes,
    /// wsrep state, `pc.bootstrap`).
    public var galera: GaleraExecutor?
    /// For a RabbitMQ node: its executor (start modes, local data, cluster status, the
    /// AMQP proof).
    public var rabbitmq: RabbitMQExecutor?

    /// Creates a handle.
    public init(
        executor: any ResourceExecutor, processEvents: AsyncStream<ProcessEvent>? = nil, probes: [ProbeSpec] = [],
        cgroup: ResourceCgroup? = nil, galera: GaleraExecutor? = nil, rabbitmq: RabbitMQExecutor? = nil
    ) {
        self.galera = galera
        self.rabbitmq = rabbitmq
        self.executor = executor
        self.processEvents = processEvents
        self.probes = probes
        self.cgroup = cgroup
    }
}

/// Makes the ``ResourceHandle`` of a configured resource (real executors on a host, or
/// simulated ones in tests).
public protocol ResourceHandleFactory: Sendable {
    /// The handle for `resource` of `config`.
    func handle(for resource: ResourceConfig, in config: ClusterConfig) throws(VigilClusterError) -> ResourceHandle
}
