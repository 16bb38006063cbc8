/// A granted lease.
public struct Lease: Hashable, Sendable {
    /// The lease id to attach to puts and to keep alive.
    public var id: Int64
    /// The TTL granted (etcd may grant more than asked: its minimum depends on the
    /// election timeout).
    public var ttl: Duration

    /// Creates a lease value.
    public init(id: Int64, ttl: Duration) {
        self.id = id
        self.ttl = ttl
    }
}
