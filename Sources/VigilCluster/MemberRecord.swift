/// The value of `members/<node>`: who the agent is and when it started.
public struct MemberRecord: Codable, Hashable, Sendable {
    /// The node's address (for peers and the HTTP API).
    public var address: String
    /// When the agent started, as an RFC 3339 string supplied by the caller.
    public var started: String

    /// Whether the agent has probed every configured resource and reported what runs
    /// (the coordinator plans nothing while a member is not ready).
    public var ready: Bool?

    /// Which host (one boot of one machine) and place on it the agent runs in. An agent that
    /// finds its member key held by a live lease of the same host is its own crashed
    /// predecessor's: it takes the key over at once (its processes are its to adopt or
    /// stop) instead of waiting for the lease to expire.
    public var host: String?

    /// Creates a record.
    public init(address: String, started: String, ready: Bool? = nil, host: String? = nil) {
        self.address = address
        self.started = started
        self.ready = ready
        self.host = host
    }
}
