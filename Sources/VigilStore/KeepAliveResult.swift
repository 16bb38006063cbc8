/// The outcome of one lease renewal.
public enum KeepAliveResult: Hashable, Sendable {
    /// Renewed; the lease now has this TTL left.
    case alive(ttl: Duration)
    /// The lease no longer exists (expired or revoked): its keys are gone.
    case notFound
}
