/// A check result of one probe, reported by `ProbeRunner`.
public struct ProbeUpdate: Sendable, Hashable {
    /// The probe's position in the runner's list.
    public var index: Int
    /// The probe's name.
    public var name: String
    /// The check's result.
    public var result: ProbeResult
    /// The probe's state after this result.
    public var state: HealthState
    /// Whether this result changed the state.
    public var changed: Bool

    /// Creates an update.
    public init(index: Int, name: String, result: ProbeResult, state: HealthState, changed: Bool) {
        self.index = index
        self.name = name
        self.result = result
        self.state = state
        self.changed = changed
    }
}
