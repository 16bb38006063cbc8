/// One probe's latest check on this node: an entry of `local.<resource>.checks` in
/// `GET /v1/status` (the status page's health table).
///
/// Kept in the agent's memory only: a check's latency changes on every check, and writing
/// it to etcd would turn every probe into a write.
public struct LocalProbeCheck: Codable, Sendable, Hashable {
    /// The probe's name (`http`, `tcp`, `galera`, …).
    public var probe: String
    /// The probe's state after the check: `healthy`, `unhealthy` or `unknown` (rising or
    /// falling towards one of them).
    public var state: String
    /// The check's result in words, redacted.
    public var result: String
    /// How long the check took, in milliseconds (one decimal).
    public var latencyMs: Double
    /// When the check ended (RFC 3339).
    public var at: String

    /// Creates a check.
    public init(probe: String, state: String, result: String, latencyMs: Double, at: String) {
        self.probe = probe
        self.state = state
        self.result = result
        self.latencyMs = latencyMs
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case probe, state, result, at
        case latencyMs = "latency_ms"
    }
}
