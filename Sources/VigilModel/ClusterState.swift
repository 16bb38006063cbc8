/// The state of one resource instance on a node, as the scheduler sees it.
public enum InstanceState: String, Sendable, Hashable, CaseIterable {
    /// Running (no roles, or a promotable before its role is known).
    case started
    /// Running promoted.
    case promoted
    /// Running unpromoted.
    case unpromoted
    /// Failed: must be recovered (stopped, then started where placement says).
    case failed
    /// Not running (the same as absent).
    case stopped

    /// Whether the instance occupies the node (anything but stopped).
    public var isActive: Bool { self != .stopped }
}

/// What is known about a node.
public struct NodeStatus: Sendable, Hashable {
    /// Member of the cluster and reachable.
    public var online: Bool
    /// Takes no resources; what runs there moves away.
    public var standby: Bool
    /// Its resources are left exactly as they are and not managed.
    public var maintenance: Bool
    /// Lost and not known to be stopped: must be fenced before its resources are recovered.
    public var unclean: Bool
    /// Attributes set at run time (permanent ones, with transient ones of the same name in
    /// their place), read by location rules before the configured `attributes:`.
    public var attributes: [String: String]

    /// Creates a node status.
    public init(
        online: Bool = true, standby: Bool = false, maintenance: Bool = false, unclean: Bool = false,
        attributes: [String: String] = [:]
    ) {
        self.online = online
        self.standby = standby
        self.maintenance = maintenance
        self.unclean = unclean
        self.attributes = attributes
    }

    /// A node that is offline and known stopped.
    public static let offline = NodeStatus(online: false)
}

/// What runs where now, and the facts the scheduler weighs: the STATE of `vigil simulate`.
public struct ClusterState: Sendable, Hashable {
    /// Whether this partition has quorum.
    public var quorum: Bool
    /// Node statuses; a configured node absent here is offline.
    public var nodes: [String: NodeStatus]
    /// Resource → node → its instances there (one per instance; usually one).
    public var resources: [String: [String: [InstanceState]]]
    /// Resource → node → failcount.
    public var failcounts: [String: [String: Score]]
    /// Resource → node → time of the last failure (for `failure-timeout`).
    public var lastFailure: [String: [String: Timestamp]]
    /// Resource → node → promotion score set by its agent; absent means not promotable there.
    public var promotionScores: [String: [String: Score]]
    /// The current time, for failure expiry; nil means failures never expire.
    public var now: Timestamp?

    /// Creates a state.
    public init(
        quorum: Bool = true, nodes: [String: NodeStatus] = [:], resources: [String: [String: [InstanceState]]] = [:],
        failcounts: [String: [String: Score]] = [:], lastFailure: [String: [String: Timestamp]] = [:],
        promotionScores: [String: [String: Score]] = [:], now: Timestamp? = nil
    ) {
        self.quorum = quorum
        self.nodes = nodes
        self.resources = resources
        self.failcounts = failcounts
        self.lastFailure = lastFailure
        self.promotionScores = promotionScores
        self.now = now
    }

    /// The status of `node` (offline when unknown).
    public func status(of node: String) -> NodeStatus {
        nodes[node] ?? .offline
    }

    /// The instances of `resource` on `node` (active ones only).
    public func instances(of resource: String, on node: String) -> [InstanceState] {
        (resources[resource]?[node] ?? []).filter(\.isActive)
    }
}
