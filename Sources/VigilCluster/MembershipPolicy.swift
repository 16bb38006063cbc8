/// The timing of a node's membership lease.
///
/// `ttl` is the node-loss timeout: the lease TTL asked of the store. The agent renews every
/// ``renewInterval`` and retries a failed renewal every ``retryInterval``; it self-fences at
/// `sentAt + ttl - safetyMargin`, where `sentAt` is when it *sent* the last renewal the store
/// confirmed (so the lease cannot have expired at the store before the deadline, whatever
/// the network delays were).
public struct MembershipPolicy: Hashable, Sendable {
    /// The lease TTL asked of the store (the node-loss timeout).
    public var ttl: Duration
    /// How often a live lease is renewed (default `min(ttl / 8, (ttl - safetyMargin) / 2)`:
    /// after its last confirmed renewal an agent has `ttl - safetyMargin` to get the next
    /// one through, and an etcd leader election — which no member can renew through — must
    /// fit in that with room to spare: 1.25 s at a 2 s TTL, against etcd's 1 s election).
    public var renewInterval: Duration
    /// How soon a failed renewal or join is retried (default `min(renewInterval, 500 ms)`).
    public var retryInterval: Duration
    /// How long before the earliest possible expiry the agent self-fences (default
    /// `max(ttl / 4, 500 ms)`, capped at `ttl / 2`).
    public var safetyMargin: Duration

    /// Creates a policy; unspecified intervals take their defaults from `ttl`.
    public init(
        ttl: Duration, renewInterval: Duration? = nil, retryInterval: Duration? = nil, safetyMargin: Duration? = nil
    ) {
        self.ttl = ttl
        let margin = safetyMargin ?? min(max(ttl / 4, .milliseconds(500)), ttl / 2)
        self.safetyMargin = margin
        let renew = renewInterval ?? min(ttl / 8, (ttl - margin) / 2)
        self.renewInterval = renew
        self.retryInterval = retryInterval ?? min(renew, .milliseconds(500))
    }

    /// The self-fence deadline for a lease of `ttl` renewed by a request sent at `sentAt`.
    public func fenceDeadline(sentAt: Duration, ttl: Duration) -> Duration {
        sentAt + ttl - safetyMargin
    }
}
