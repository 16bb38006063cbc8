/// How well the agent's lease renewals keep up (for `/metrics`): the renewals confirmed,
/// the longest time between two confirmed ones (by send time; the renewal interval when
/// all is well), and the least time that was left before the self-fence deadline when a
/// renewal was confirmed (how close the agent came to fencing itself).
public struct RenewalStats: Sendable, Hashable {
    /// Renewals the store confirmed.
    public private(set) var confirmed = 0
    /// The longest time between the send times of two consecutive confirmed renewals.
    public private(set) var longestGap: Duration = .zero
    /// The least time left before the self-fence deadline at a confirmation (nil: none yet).
    public private(set) var leastHeadroom: Duration?
    private var lastSentAt: Duration?

    /// Creates empty statistics.
    public init() {}

    /// A renewal sent at `sentAt` was confirmed at `now`, when the self-fence deadline was
    /// `deadline` (nil before the first one).
    public mutating func record(sentAt: Duration, now: Duration, deadline: Duration?) {
        confirmed += 1
        if let lastSentAt { longestGap = max(longestGap, sentAt - lastSentAt) }
        lastSentAt = max(lastSentAt ?? sentAt, sentAt)
        if let deadline { leastHeadroom = min(leastHeadroom ?? (deadline - now), deadline - now) }
    }

    /// A new lease: gaps are counted from its first renewal.
    public mutating func restart() {
        lastSentAt = nil
    }
}
