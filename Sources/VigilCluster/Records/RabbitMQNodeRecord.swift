/// The value of `rabbitmq/<resource>/nodes/<node>`: a RabbitMQ node as its agent last
/// knew it. Not leased: it must outlive the node, since the order in which nodes stopped
/// (this key's mod revision when `running` turned false) decides which one may boot alone
/// after a full stop.
public struct RabbitMQNodeRecord: Codable, Sendable, Hashable {
    /// The Erlang node name.
    public var nodename: String
    /// The node may be running (written after each start; a stale `true` means it
    /// stopped at a time nobody recorded: a crash of its host).
    public var running: Bool
    /// For a stopped node: it was stopped cleanly by Vigil (`rabbitmqctl stop`).
    public var clean: Bool?
    /// Its data directory holds a node's database.
    public var initialised: Bool
    /// The cluster's members as the node knows them (its data, or the running cluster).
    public var members: [String]
    /// When it was written (RFC 3339).
    public var since: String

    /// Creates a record.
    public init(nodename: String, running: Bool, clean: Bool? = nil, initialised: Bool, members: [String], since: String) {
        self.nodename = nodename
        self.running = running
        self.clean = clean
        self.initialised = initialised
        self.members = members
        self.since = since
    }
}
