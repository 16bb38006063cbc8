public import VigilAgents
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

    /// Creates a handle.
    public init(executor: any ResourceExecutor, processEvents: AsyncStream<ProcessEvent>? = nil, probes: [ProbeSpec] = []) {
        self.executor = executor
        self.processEvents = processEvents
        self.probes = probes
    }
}

/// Makes the ``ResourceHandle`` of a configured resource (real executors on a host, or
/// simulated ones in tests).
public protocol ResourceHandleFactory: Sendable {
    /// The handle for `resource` of `config`.
    func handle(for resource: ResourceConfig, in config: ClusterConfig) throws(VigilNodeError) -> ResourceHandle
}
