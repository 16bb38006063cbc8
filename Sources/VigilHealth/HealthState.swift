/// The health of a probe (or of a resource, combining its probes).
public enum HealthState: String, Sendable, Hashable {
    /// Not enough results yet.
    case unknown
    /// `rise` consecutive passes.
    case healthy
    /// `fall` consecutive failures.
    case unhealthy

    /// A resource's health from its probes: unhealthy if any is, healthy if all are
    /// (or there are none), unknown otherwise.
    public static func combined(_ states: some Sequence<HealthState>) -> HealthState {
        var sawUnknown = false
        for state in states {
            if state == .unhealthy { return .unhealthy }
            if state == .unknown { sawUnknown = true }
        }
        return sawUnknown ? .unknown : .healthy
    }
}
