/// A running RabbitMQ node's state as its agent last observed it (the `rabbitmq` field of
/// its status record).
public struct RabbitMQInstanceStatus: Codable, Sendable, Hashable {
    /// The Erlang node name.
    public var nodename: String
    /// The application runs (`cluster_status` answered).
    public var running: Bool
    /// The cluster's members.
    public var members: [String]
    /// The members running, as this node sees them.
    public var clustered: [String]
    /// Partitions it reports (`node: [nodes]`, flattened to `node/other`).
    public var partitions: [String]
    /// Active alarms.
    public var alarms: [String]
    /// Quorum queues led by this node.
    public var leaders: Int?
    /// The last AMQP round trip (confirmed publish + get on a quorum queue) passed.
    public var amqp: Bool
    /// What the last failed observation or round trip said.
    public var message: String?

    /// Creates a status.
    public init(
        nodename: String, running: Bool, members: [String] = [], clustered: [String] = [], partitions: [String] = [],
        alarms: [String] = [], leaders: Int? = nil, amqp: Bool = false, message: String? = nil
    ) {
        self.nodename = nodename
        self.running = running
        self.members = members
        self.clustered = clustered
        self.partitions = partitions
        self.alarms = alarms
        self.leaders = leaders
        self.amqp = amqp
        self.message = message
    }
}
