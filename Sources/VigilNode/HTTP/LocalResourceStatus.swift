public import VigilCluster
/// The local agent's view of one resource on its own node: the `local` entries of
/// `GET /v1/status`.
///
/// Encodes as `{"state": STATE, "healthy": BOOL, "probes": [LINE, ...]}`.
public struct LocalResourceStatus: Codable, Sendable, Hashable {
    /// The state of the instance on this node (`stopped` when it does not run here).
    public var state: ResourceStatusState
    /// Whether the instance runs and every probe is up (no probes: whether it runs).
    public var healthy: Bool
    /// One line per probe: `<probe>: up|down|unknown (<last result>)`.
    public var probes: [String]

    /// Creates a status.
    public init(state: ResourceStatusState, healthy: Bool, probes: [String] = []) {
        self.state = state
        self.healthy = healthy
        self.probes = probes
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
