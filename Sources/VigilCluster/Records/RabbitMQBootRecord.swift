/// The value of `rabbitmq/<resource>/boot`: the coordinator's choice of the node that may
/// start with no peer running, written only while no instance runs and deleted once one
/// does.
public struct RabbitMQBootRecord: Codable, Sendable, Hashable {
    /// How the chosen node boots.
    public enum Mode: String, Codable, Sendable, Hashable {
        /// No node holds data of a multi-node cluster: it starts a new cluster.
        case newCluster = "new-cluster"
        /// The nodes that may have stopped after it are gone: `force_boot`, then start.
        case forceBoot = "force-boot"
    }

    /// The chosen Vigil node.
    public var node: String
    /// How it boots.
    public var mode: Mode
    /// Why it was chosen.
    public var reason: String
    /// When (RFC 3339).
    public var at: String
    /// The coordinator that chose.
    public var by: String

    /// Creates a record.
    public init(node: String, mode: Mode, reason: String, at: String, by: String) {
        self.node = node
        self.mode = mode
        self.reason = reason
        self.at = at
        self.by = by
    }
}
