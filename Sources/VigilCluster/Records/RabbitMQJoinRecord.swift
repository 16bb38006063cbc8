/// The value of `rabbitmq/<resource>/joining`: the one node now joining the running
/// cluster. RabbitMQ's own peer discovery takes a lock for the same reason: two nodes that
/// join at once can make one's Mnesia fail to start (`{mnesia_app, start}` after
/// `join_cluster`), and a failed start keeps that node out until the operator clears it.
/// The key is attached to the joiner's lease, so a joiner that dies releases it.
public struct RabbitMQJoinRecord: Codable, Sendable, Hashable {
    /// The joining Vigil node.
    public var node: String
    /// The Erlang node it joins through.
    public var peer: String
    /// When it took the turn (RFC 3339).
    public var since: String

    /// Creates a record.
    public init(node: String, peer: String, since: String) {
        self.node = node
        self.peer = peer
        self.since = since
    }
}
