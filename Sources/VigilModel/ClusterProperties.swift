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
