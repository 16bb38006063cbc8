/// The membership decisions of one agent, as a pure state machine.
///
/// Times are `Duration`s since an arbitrary origin of the agent's own monotonic clock. The
/// driver feeds events (a join or renewal was sent and what the store answered, the clock
/// ticked) and performs the returned ``Action``s. The rule it enforces: a member whose last
/// confirmed renewal was *sent* at `s` self-fences at `s + ttl - safetyMargin` (see
/// ``MembershipPolicy/fenceDeadline(sentAt:ttl:)``) unless a later renewal is confirmed
/// first; a fenced (or lost) lease is never used again — the agent re-joins with a new one.
public struct MembershipMachine: Hashable, Sendable {
    /// Where the agent stands.
    public enum Phase: Hashable, Sendable {
        /// Not a member: joining (first start, or after a conflict).
        case joining
        /// A member holding `lease`.
        case member(lease: Int64)
        /// Fenced: exclusive resources were stopped; re-joining with a new lease.
        case fenced
        /// Left gracefully; nothing more to do.
        case left
    }

    /// What the driver must do.
    public enum Action: Hashable, Sendable {
        /// Grant a new lease and write the member key under it.
        case join
        /// Send one keep-alive for the lease.
        case sendKeepAlive(lease: Int64)
        /// Stop exclusive resources now: the lease may be lost.
        case selfFence(lease: Int64)
    }

    /// The timing rules.
    public let policy: MembershipPolicy
    /// The current phase.
    public private(set) var phase: Phase = .joining
    /// When the agent self-fences unless a renewal is confirmed first (nil unless a member).
    public private(set) var fenceDeadline: Duration?
    /// When the next keep-alive or join attempt is due.
    public private(set) var nextAttempt: Duration = .zero
    /// Leases this agent held and gave up; never used again.
    public private(set) var retiredLeases: Set<Int64> = []
    /// Whether a keep-alive or join is outstanding.
    public private(set) var inFlight = false

    /// Creates a machine in the joining phase, with a join due immediately.
    public init(policy: MembershipPolicy) {
        self.policy = policy
    }

    /// The lease held, when a member.
    public var lease: Int64? {
        if case .member(let lease) = phase { return lease }
        return nil
    }

    /// When the driver must tick next: the earlier of the next attempt and the fence deadline.
    public var nextWakeup: Duration? {
        switch phase {
        case .left: return nil
        case .member: return min(nextAttempt, fenceDeadline ?? nextAttempt)
        case .joining, .fenced: return nextAttempt
        }
    }

    /// The clock reads `now`: fence when the deadline has come, otherwise start the attempt
    /// that is due (none while one is in flight).
    public mutating func tick(now: Duration) -> [Action] {
        switch phase {
        case .left:
            return []
        case .member(let lease):
            if let deadline = fenceDeadline, now >= deadline {
                return fence(lease, now: now)
            }
            guard !inFlight, now >= nextAttempt else { return [] }
            return [.sendKeepAlive(lease: lease)]
        case .joining, .fenced:
            guard !inFlight, now >= nextAttempt else { return [] }
            return [.join]
        }
    }

    /// A keep-alive or join request was sent at `at`; a retry is due `retryInterval` later
    /// unless the store answers.
    public mutating func attemptSent(at: Duration) {
        guard phase != .left else { return }
        inFlight = true
        nextAttempt = at + policy.retryInterval
    }

    /// The attempt sent earlier failed (error or no answer); the retry stays as scheduled.
    public mutating func attemptFailed() {
        inFlight = false
    }

    /// The store confirmed a renewal of `lease` with `ttl`, for a request sent at `sentAt`.
    /// Ignored unless `lease` is the lease held (a late answer for a fenced lease changes
    /// nothing). The deadline never moves backwards.
    public mutating func renewalConfirmed(lease: Int64, sentAt: Duration, ttl: Duration) {
        guard case .member(let held) = phase, held == lease else { return }
        inFlight = false
        let deadline = policy.fenceDeadline(sentAt: sentAt, ttl: ttl)
        fenceDeadline = max(fenceDeadline ?? deadline, deadline)
        nextAttempt = max(nextAttempt, sentAt + policy.renewInterval)
    }

    /// The store says `lease` no longer exists: fence now if it was the lease held.
    public mutating func leaseNotFound(lease: Int64, now: Duration) -> [Action] {
        guard case .member(let held) = phase, held == lease else { return [] }
        return fence(lease, now: now)
    }

    /// The member key was written under `lease` (granted with `ttl`) by requests the first
    /// of which (the grant) was sent at `sentAt`. Refused (returns false) when `lease` was
    /// already retired or the agent is not joining.
    public mutating func joined(lease: Int64, ttl: Duration, sentAt: Duration) -> Bool {
        guard phase == .joining || phase == .fenced, !retiredLeases.contains(lease) else { return false }
        inFlight = false
        phase = .member(lease: lease)
        fenceDeadline = policy.fenceDeadline(sentAt: sentAt, ttl: ttl)
        nextAttempt = sentAt + policy.renewInterval
        return true
    }

    /// Leaves gracefully (the driver revokes the lease); returns the lease to revoke.
    public mutating func leave() -> Int64? {
        let held = lease
        if let held { retiredLeases.insert(held) }
        phase = .left
        fenceDeadline = nil
        inFlight = false
        return held
    }

    private mutating func fence(_ lease: Int64, now: Duration) -> [Action] {
        retiredLeases.insert(lease)
        phase = .fenced
        fenceDeadline = nil
        inFlight = false
        nextAttempt = now
        return [.selfFence(lease: lease)]
    }
}
