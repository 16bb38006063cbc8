public import VigilCluster
/// The local agent's view of one resource on its own node: the `local` entries of
/// `GET /v1/status`.
///
/// Encodes as `{"state": STATE, "healthy": BOOL, "probes": [LINE, ...], "checks": [CHECK, ...]}`
/// (`checks` only while the probes have results).
public struct LocalResourceStatus: Codable, Sendable, Hashable {
    /// The state of the instance on this node (`stopped` when it does not run here).
    public var state: ResourceStatusState
    /// Whether the instance runs and every probe is up (no probes: whether it runs).
    public var healthy: Bool
    /// One line per probe: `<probe>: up|down|unknown (<last result>)`.
    public var probes: [String]
    /// Each probe's latest check, with its latency, in the probes' order (empty before
    /// the first result and when the resource does not run here).
    public var checks: [LocalProbeCheck]

    /// Creates a status.
    public init(state: ResourceStatusState, healthy: Bool, probes: [String] = [], checks: [LocalProbeCheck] = []) {
        self.state = state
        self.healthy = healthy
        self.probes = probes
        self.checks = checks
    }

    enum CodingKeys: String, CodingKey {
        case state, healthy, probes, checks
    }

    /// Decodes a status; `checks` may be absent (agents before the status page).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        state = try container.decode(ResourceStatusState.self, forKey: .state)
        healthy = try container.decode(Bool.self, forKey: .healthy)
        probes = try container.decodeIfPresent([String].self, forKey: .probes) ?? []
        checks = try container.decodeIfPresent([LocalProbeCheck].self, forKey: .checks) ?? []
    }

    /// Encodes `checks` only when there are some.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(healthy, forKey: .healthy)
        try container.encode(probes, forKey: .probes)
        if !checks.isEmpty { try container.encode(checks, forKey: .checks) }
    }

    /// What `GET /health/<resource>` answers for this status: healthy only when the
    /// instance runs (started, promoted or unpromoted) and ``healthy`` holds.
    public var health: LocalHealth {
        switch state {
        case .started, .promoted, .unpromoted:
            if healthy { return .healthy }
            let down = probes.filter { !$0.contains(": up") }
            return .unhealthy(down.isEmpty ? "probes not up" : down.joined(separator: "; "))
        case .failed:
            return .unhealthy("failed")
        case .starting:
            return .unhealthy("starting")
        case .stopping:
            return .unhealthy("stopping")
        case .stopped:
            return .notRunning
        }
    }
}
