/// A leadership held through the HTTP API: the holder keeps it by renewing ``lease``
/// within ``ttl`` seconds, and must stop acting as leader before the lease can expire
/// (its own self-fence deadline: from when it *sent* its last confirmed renewal).
public struct LeadershipGrant: Codable, Sendable, Hashable {
    /// Who holds it.
    public var holder: String
    /// The fencing token: the leader key's create revision.
    public var token: Int64
    /// The etcd lease that keeps it.
    public var lease: Int64
    /// The lease's TTL in seconds.
    public var ttl: Int

    /// Creates a value.
    public init(holder: String, token: Int64, lease: Int64, ttl: Int) {
        self.holder = holder
        self.token = token
        self.lease = lease
        self.ttl = ttl
    }
}
