/// What a lease has left, as answered by `timeToLive`.
public struct LeaseInfo: Hashable, Sendable {
    /// The lease id.
    public var id: Int64
    /// Remaining time to live (whole seconds, as etcd reports it).
    public var remaining: Duration
    /// The TTL granted.
    public var granted: Duration
    /// The keys attached to the lease, sorted.
    public var keys: [String]

    /// Creates a lease description.
    public init(id: Int64, remaining: Duration, granted: Duration, keys: [String]) {
        self.id = id
        self.remaining = remaining
        self.granted = granted
        self.keys = keys
    }
}
