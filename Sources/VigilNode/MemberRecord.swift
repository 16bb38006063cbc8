/// The value of `members/<node>`: who the agent is and when it started.
public struct MemberRecord: Codable, Hashable, Sendable {
    /// The node's address (for peers and the HTTP API).
    public var address: String
    /// When the agent started, as an RFC 3339 string supplied by the caller.
    public var started: String

    /// Whether the agent has probed every configured resource and reported what runs
    /// (the coordinator plans nothing while a member is not ready).
    public var ready: Bool?

    /// Creates a record.
    public init(address: String, started: String, ready: Bool? = nil) {
        self.address = address
        self.started = started
        self.ready = ready
    }
}
