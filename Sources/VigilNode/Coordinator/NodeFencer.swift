import VigilCluster
public import VigilModel

/// Fences a lost node for the coordinator (`fencing: devices`).
public protocol NodeFencer: Sendable {
    /// Fences `node` with the devices of `config` that cover it, in order, until one
    /// succeeds.
    func fence(_ node: String, config: ClusterConfig) async -> NodeFenceOutcome
}

/// What a fencing attempt came to.
public struct NodeFenceOutcome: Sendable, Hashable {
    /// Whether a device confirmed the node fenced.
    public var succeeded: Bool
    /// The device that succeeded (or the last one tried).
    public var device: String?
    /// A one-line account for the event log (the agent's output on failure).
    public var message: String

    /// Creates an outcome.
    public init(succeeded: Bool, device: String?, message: String) {
        self.succeeded = succeeded
        self.device = device
        self.message = message
    }
}
