/// The value of `members/<node>`: who the agent is and when it started.
public struct MemberRecord: Codable, Hashable, Sendable {
    /// The node's address (for peers and the HTTP API).
    public var address: String
    /// When the agent started, as an RFC 3339 string supplied by the caller.
    public var started: String

    /// Creates a record.
    public init(address: String, started: String) {
        self.address = address
        self.started = started
    }
}
