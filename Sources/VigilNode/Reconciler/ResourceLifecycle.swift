public import VigilCluster
public import VigilAgents

/// The rules of one local resource's life, as a pure state machine: the reconciler feeds
/// it what happened (the resource's state, its assignment, an operation's answer, a
/// self-fence) and performs what it decides. No I/O, no clock reads: every rule is tested
/// over its whole input space without processes (`ResourceLifecycleTests`).
///
/// States are ``ResourceStatusState`` (nil: not probed yet); an operation in flight is a
/// ``LocalOperation``. The rules that keep "never two actives":
/// - a resource counts as stopped only when its stop is *confirmed* (``ConfirmedStop``);
///   an unconfirmed stop leaves it `failed`, which counts as possibly running;
/// - a self-fence stops every exclusive resource (everything with `no-quorum-policy: stop`)
///   and one whose stop is not confirmed stays `failed`, the node unclean;
/// - a probe that finds the resource not running while its cgroup still holds processes
///   (a crashed predecessor's) has them killed before anything starts;
/// - something that came up after the node fenced itself is stopped again.
public enum ResourceLifecycle {
    /// What the reconciler knows of a resource that has no operation in flight.
    public struct Situation: Sendable, Hashable {
        /// Its state; nil until probed.
        public var state: ResourceStatusState?
        /// Its configuration changed while it ran (stop it, then start it anew).
        public var stale: Bool
        /// This agent acts for a member incarnation (not fenced, not leaving).
        public var member: Bool
        /// The role its assignment entry for this incarnation asks for (nil: no entry).
        public var assigned: AssignedRole?
        /// Whether it is promotable.
        public var promotable: Bool
        /// A failed stop may not be retried before this time (nil: any time).
        public var retryAfter: Duration?
        /// Now, on the reconciler's clock.
        public var now: Duration

        /// Creates a situation.
        public init(
            state: ResourceStatusState?, stale: Bool = false, member: Bool, assigned: AssignedRole?, promotable: Bool,
            retryAfter: Duration? = nil, now: Duration = .zero
        ) {
            self.state = state
            self.stale = stale
            self.member = member
            self.assigned = assigned
            self.promotable = promotable
            self.retryAfter = retryAfter
            self.now = now
        }
    }

    /// The next operation for a resource with nothing in flight (nil: nothing now).
    ///
    /// Probe first (whatever else holds); without a member identity nothing more; a stale
    /// running resource is stopped; otherwise the step towards its assignment — a failed
    /// stop waits for its retry time, a non-promotable is never promoted and is stopped
    /// rather than demoted.
    public static func next(_ situation: Situation) -> LocalOperation? {
        guard let state = situation.state else { return .probe }
        guard situation.member else { return nil }
        if situation.stale && state.isActive { return .stop }
        guard let role = situation.assigned, var operation = LocalOperation.next(toward: role, from: state) else { return nil }
        if operation == .stop, state == .failed, let retry = situation.retryAfter, situation.now < retry { return nil }
        if operation == .promote, !situation.promotable { return nil }
        if operation == .demote, !situation.promotable { operation = .stop }
        return operation
    }

    /// The state shown while `operation` runs (nil: unchanged).
    public static func transient(during operation: LocalOperation) -> ResourceStatusState? {
        switch operation {
        case .start, .promote: .starting
        case .stop, .demote: .stopping
        case .probe, .notify: nil
        }
    }

    /// What an operation's answer means.
    public struct Outcome: Sendable, Hashable {
        /// The resource's new state.
        public var state: ResourceStatusState
        /// It failed (reported, counted unless the agent's own shutdown or fence cut it).
        public var failed: Bool
        /// The failure bans the node at once (a failed start: failcount INFINITY).
        public var fatal: Bool
        /// A failed stop: retried after a delay.
        public var retryStop: Bool
    }

    /// The outcome of `operation` answered with `code` (for a stop: success only when the
    /// stop was confirmed).
    public static func outcome(of operation: LocalOperation, code: OCFCode, promotable: Bool) -> Outcome {
        let ok = code == .success
        let running: ResourceStatusState = promotable ? .unpromoted : .started
        switch operation {
        case .probe:
            switch code {
            case .success: return Outcome(state: running, failed: false, fatal: false, retryStop: false)
            case .runningPromoted: return Outcome(state: .promoted, failed: false, fatal: false, retryStop: false)
            case .notRunning: return Outcome(state: .stopped, failed: false, fatal: false, retryStop: false)
            default: return Outcome(state: .failed, failed: true, fatal: false, retryStop: false)
            }
        case .start:
            return ok
                ? Outcome(state: running, failed: false, fatal: false, retryStop: false)
                : Outcome(state: .failed, failed: true, fatal: true, retryStop: false)
        case .stop:
            return ok
                ? Outcome(state: .stopped, failed: false, fatal: false, retryStop: false)
                : Outcome(state: .failed, failed: true, fatal: false, retryStop: true)
        case .promote:
            return Outcome(state: ok ? .promoted : .failed, failed: !ok, fatal: false, retryStop: false)
        case .demote:
            return Outcome(state: ok ? .unpromoted : .failed, failed: !ok, fatal: false, retryStop: false)
        case .notify:
            // Not used for the state (a notification leaves it as it is); a failed notify
            // is not the resource's failure, as in Pacemaker.
            return Outcome(state: running, failed: false, fatal: false, retryStop: false)
        }
    }

    /// Whether a probe's answer leaves processes to kill first: the resource is not running
    /// by its agent's account, yet its cgroup is populated.
    public static func killsLeftovers(probe code: OCFCode, cgroupPopulated: Bool) -> Bool {
        code == .notRunning && cgroupPopulated
    }

    /// Whether a resource is stopped by a self-fence: one that may run (active, or with an
    /// operation in flight) and is exclusive, or any with `everything`.
    public static func stoppedBySelfFence(active: Bool, busy: Bool, exclusive: Bool, everything: Bool) -> Bool {
        (active || busy) && (everything || exclusive)
    }

    /// The state a self-fence leaves: stopped only when its stop was confirmed.
    public static func afterSelfFence(confirmed: Bool) -> ResourceStatusState {
        confirmed ? .stopped : .failed
    }

    /// Whether an operation that just finished must be followed by a stop: it brought up an
    /// exclusive resource after the node fenced itself (or began leaving).
    public static func stopsAgain(member: Bool, after operation: LocalOperation, state: ResourceStatusState, exclusive: Bool) -> Bool {
        !member && operation != .probe && state.isActive && exclusive
    }

    /// Whether a failure counts against the resource (failcount): not when the agent's own
    /// shutdown or self-fence cut the operation short.
    public static func countsFailure(shuttingDown: Bool, fencedMeanwhile: Bool) -> Bool {
        !shuttingDown && !fencedMeanwhile
    }
}
