import VigilCluster
import VigilModel

/// How a node agent runs.
public struct AgentOptions: Sendable {
    /// The node name (`members/<node>`; must be a configured node to take resources).
    public var node: String
    /// The address advertised in the member record (the HTTP API's, usually).
    public var address: String
    /// The membership lease TTL when no configuration has been applied yet (otherwise the
    /// configuration's `node-loss-timeout`).
    public var defaultNodeLossTimeout: Duration
    /// How often the coordinator re-plans without a change (failure expiry, retries).
    public var coordinatorTick: Duration
    /// Where the agent's unstructured tasks (resource operations, process watchers) run; nil:
    /// Swift's global executor. Its structured work runs wherever the task calling
    /// ``Agent/run()`` prefers; an embedder (or the simulation, which runs a whole cluster on
    /// one thread) gives both the same executor.
    public var taskExecutor: (any TaskExecutor)?
    /// This host's identity (one boot of one machine, and the agent's place on it), written
    /// in the member record: a restarted agent takes over its crashed predecessor's member
    /// key at once instead of waiting for its lease to expire. Nil: always wait.
    public var hostIdentity: String?
    /// What takes secrets out of status and event messages (kept current with the
    /// configuration's secret files by the agent); share it with the log handler.
    public var redaction = RedactionSet()

    /// Creates options.
    public init(
        node: String, address: String = "", defaultNodeLossTimeout: Duration = .seconds(3), coordinatorTick: Duration = .seconds(1),
        taskExecutor: (any TaskExecutor)? = nil, hostIdentity: String? = nil
    ) {
        self.hostIdentity = hostIdentity
        self.node = node
        self.address = address
        self.defaultNodeLossTimeout = defaultNodeLossTimeout
        self.coordinatorTick = coordinatorTick
        self.taskExecutor = taskExecutor
    }
}
