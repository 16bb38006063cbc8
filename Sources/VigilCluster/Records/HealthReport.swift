/// The health of a local instance as its probes see it.
public struct HealthReport: Codable, Sendable, Hashable {
    /// Whether every probe is up (no probes: true when the instance runs).
    public var healthy: Bool
    /// One line per probe: `<probe>: up|down|unknown (<last result>)`.
    public var probes: [String]

    /// Creates a report.
    public init(healthy: Bool, probes: [String]) {
        self.healthy = healthy
        self.probes = probes
    }
}
