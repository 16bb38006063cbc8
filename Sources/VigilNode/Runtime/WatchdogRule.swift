public import VigilCluster
/// When a node's watchdog is fed (pure).
///
/// The watchdog is what lets peers count a lost node as stopped without a fence device.
/// The agent feeds it only:
///
/// - while its lease is confirmed with a *lead*: until `lead` before the lease can expire
///   at the store (the send time of the last confirmed renewal plus the TTL), or
/// - while it holds nothing exclusive (never started one, or every stop was confirmed).
///
/// A hung agent feeds nothing either, so the reset comes at most one watchdog timeout
/// after the last feed. When the lead covers the timeout (``lead(policy:timeout:)``) the
/// reset comes before the lease can expire, and peers count the node stopped as soon as
/// they see its lease gone; otherwise they wait the rest (``releaseAfter(policy:timeout:)``,
/// published in `nodes/<node>/watchdog`).
public enum WatchdogRule {
    /// Whether to feed now.
    ///
    /// - Parameters:
    ///   - leaseConfirmed: a member, and the lead before the lease can expire has not begun.
    ///   - holdsGuarded: something here must not outlive the lease unnoticed: an exclusive
    ///     resource may be running (starting, running, stopping, or failed), or any
    ///     resource's stop was not confirmed (failed).
    public static func shouldFeed(leaseConfirmed: Bool, holdsGuarded: Bool) -> Bool {
        leaseConfirmed || !holdsGuarded
    }

    /// How often to feed a watchdog of `timeout`: five times per timeout, at most every
    /// 500 ms, so a late scheduling round or two never starves it.
    public static func feedInterval(timeout: Duration) -> Duration {
        min(timeout / 5, .milliseconds(500))
    }

    /// What a watchdog's timer may run late by, and what the self-fence leaves for
    /// scheduling: a fifth of the self-fence margin (the stops get the other four fifths).
    public static func slack(policy: MembershipPolicy) -> Duration {
        policy.safetyMargin / 5
    }

    /// How long before its lease can expire the agent stops feeding a watchdog of `timeout`.
    ///
    /// The timeout plus ``slack(policy:)`` when that leaves room for the feeding to go on
    /// between renewals (two renewal intervals and a feed interval after a confirmed
    /// renewal): then a node that cannot renew is reset before its lease can expire. Else the
    /// self-fence margin: the node stops feeding when it self-fences, and is reset at most
    /// ``releaseAfter(policy:timeout:)`` after its lease can have expired. Never less than
    /// the margin: the self-fence starts at the margin and must not race the reset.
    public static func lead(policy: MembershipPolicy, timeout: Duration) -> Duration {
        let early = timeout + slack(policy: policy)
        let window = policy.renewInterval * 2 + feedInterval(timeout: timeout)
        guard early > policy.safetyMargin, policy.ttl - early >= window else { return policy.safetyMargin }
        return early
    }

    /// How long after a lost node's lease expired its peers wait before they count it reset
    /// (zero when ``lead(policy:timeout:)`` covers the timeout). Published by the node.
    public static func releaseAfter(policy: MembershipPolicy, timeout: Duration) -> Duration {
        max(.zero, timeout + slack(policy: policy) - lead(policy: policy, timeout: timeout))
    }
}
