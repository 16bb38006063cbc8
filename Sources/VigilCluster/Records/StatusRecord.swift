/// The value of `status/<node>/<resource>`: what the agent on `<node>` reports.
public struct StatusRecord: Codable, Sendable, Hashable {
    /// The state.
    public var state: ResourceStatusState
    /// When it entered this state (RFC 3339).
    public var since: String
    /// The probes' verdict, when the resource has probes and runs.
    public var health: HealthReport?
    /// The promotion score the agent last set (promotable OCF agents), if any.
    public var promotionScore: Int?
    /// Why it failed, when ``state`` is `failed`; or why a Galera node waits to start.
    public var message: String?
    /// For a Galera node that runs: its wsrep state.
    public var galera: GaleraInstanceStatus?
    /// For a RabbitMQ node that runs: its cluster as it sees it, alarms, the AMQP proof.
    public var rabbitmq: RabbitMQInstanceStatus?
    /// A stopped instance assigned to start that waits for the cluster (a Galera or
    /// RabbitMQ node that may not start yet; ``message`` says why): settled, as far as the
    /// coordinator is concerned, so that what it waits for can be assigned meanwhile.
    public var waiting: Bool?
    /// The last clone notification this agent ran for the resource
    /// (``NotificationRecord/acknowledgement``), whatever its exit code.
    public var notified: String?

    /// Creates a record.
    public init(
        state: ResourceStatusState, since: String, health: HealthReport? = nil, promotionScore: Int? = nil,
        message: String? = nil, galera: GaleraInstanceStatus? = nil
    ) {
        self.galera = galera
        self.state = state
        self.since = since
        self.health = health
        self.promotionScore = promotionScore
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case state, since, health, message, galera, rabbitmq, waiting, notified
        case promotionScore = "promotion-score"
    }
}
