public import VigilHealth

/// Carries the health checker the agent's probes run on (nil in simulation).
public struct HealthCheckerBox: Sendable {
    /// The checker.
    public var checker: HealthChecker

    /// Wraps `checker`.
    public init(_ checker: HealthChecker) {
        self.checker = checker
    }
}
