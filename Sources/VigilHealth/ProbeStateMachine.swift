/// The rise/fall logic of one probe, as a value: feed it results, it answers with the
/// new state when the state changes. No clocks, no I/O.
///
/// From any state, `rise` consecutive passes make the probe healthy and `fall`
/// consecutive failures make it unhealthy; a result of the other kind resets the count.
public struct ProbeStateMachine: Sendable, Hashable {
    /// Passes needed to become healthy.
    public let rise: Int
    /// Failures needed to become unhealthy.
    public let fall: Int
    /// The current state.
    public private(set) var state: HealthState = .unknown
    /// Consecutive passes so far.
    public private(set) var consecutivePasses = 0
    /// Consecutive failures so far.
    public private(set) var consecutiveFailures = 0

    /// Creates a machine in the `unknown` state; counts below 1 are raised to 1.
    public init(rise: Int, fall: Int) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
    }

    /// Records one result; returns the new state if it changed, else `nil`.
    public mutating func record(passed: Bool) -> HealthState? {
        if passed {
            consecutivePasses += 1
            consecutiveFailures = 0
            if state != .healthy && consecutivePasses >= rise {
                state = .healthy
                return state
            }
        } else {
            consecutiveFailures += 1
            consecutivePasses = 0
            if state != .unhealthy && consecutiveFailures >= fall {
                state = .unhealthy
                return state
            }
        }
        return nil
    }
}
