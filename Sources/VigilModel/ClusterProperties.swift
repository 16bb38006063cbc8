/// What the cluster does when it loses quorum (`cluster.no-quorum-policy`).
public enum NoQuorumPolicy: String, Sendable, Hashable, CaseIterable {
    /// Stop every resource.
    case stop
    /// Keep what runs, start nothing new.
    case freeze
    /// Carry on as if quorate.
    case ignore
}

/// How a lost node is made known to be stopped (`cluster.fencing`).
public enum FencingMode: String, Sendable, Hashable, CaseIterable {
    /// The node's agent stops its exclusive resources before its lease can expire.
    case `self`
    /// Fence devices (`fence-devices`) power the node off.
    case devices
    /// No fencing: a lost node is assumed stopped (unsafe; for tests and labs).
    case disabled
}

/// Cluster-wide properties (`cluster:`).
public struct ClusterProperties: Sendable, Hashable {
    /// The cluster's name.
    public var name: String
    /// Behaviour without quorum. Default `stop`.
    public var noQuorumPolicy: NoQuorumPolicy
    /// Fencing mode. Default `self`.
    public var fencing: FencingMode
    /// Member lease TTL: how long a silent node keeps its membership. Default 3 s.
    public var nodeLossTimeout: Duration
    /// Default resource stickiness. Default 0.
    public var stickiness: Score
    /// How long before its lease can expire an agent that cannot renew it self-fences;
    /// nil: the default, `max(node-loss-timeout / 4, 500 ms)` capped at half of it.
    public var selfFenceMargin: Duration?

    /// The self-fence margin in force (``selfFenceMargin`` or its default).
    public var effectiveSelfFenceMargin: Duration {
        selfFenceMargin ?? min(max(nodeLossTimeout / 4, .milliseconds(500)), nodeLossTimeout / 2)
    }

    /// How long a self-fence gives each stop in all (the agent's stop, the cgroup kill
    /// and the confirming stop): four fifths of the margin.
    public var selfFenceStopBudget: Duration { effectiveSelfFenceMargin * 4 / 5 }

    /// How many events the coordinator keeps (`events-keep`, default 10,000): older ones
    /// are deleted.
    public var eventsKeep: Int = 10_000
    /// How long the coordinator keeps an event (`events-max-age`, default 7 days).
    public var eventsMaxAge: Duration = .seconds(7 * 24 * 3600)
    /// How much etcd history (old revisions) the coordinator keeps before it compacts it
    /// (`history-retention`, default 1 h): watches that fall further behind re-read.
    public var historyRetention: Duration = .seconds(3600)
    /// Creates cluster properties; every argument has the documented default.
    public init(
        name: String,
        noQuorumPolicy: NoQuorumPolicy = .stop,
        fencing: FencingMode = .self,
        nodeLossTimeout: Duration = .seconds(3),
        stickiness: Score = .zero
    ) {
        self.name = name
        self.noQuorumPolicy = noQuorumPolicy
        self.fencing = fencing
        self.nodeLossTimeout = nodeLossTimeout
        self.stickiness = stickiness
    }
}
