/// When a node's watchdog is fed (pure).
///
/// The watchdog is what lets peers count a lost node as stopped without a fence device:
/// they wait for its lease to expire **plus** its watchdog timeout (published in its member
/// record). That is safe only if the node is reset whenever it may still run something
/// exclusive after its lease can have expired, so the agent feeds it only:
///
/// - while its lease is confirmed (a member, before its self-fence deadline), or
/// - while it holds nothing exclusive (never started one, or every stop was confirmed).
///
/// A hung agent feeds nothing either. The last feed with the lease confirmed is before the
/// self-fence deadline, itself before the lease can expire; the reset comes at most one
/// watchdog timeout later.
public enum WatchdogRule {
    /// Whether to feed now.
    ///
    /// - Parameters:
    ///   - leaseConfirmed: a member, and the self-fence deadline has not passed.
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
}
