/// The result of one check.
public struct ProbeResult: Sendable, Hashable {
    /// Whether the check passed.
    public var passed: Bool
    /// What was observed ("connected", "status 503", "wsrep_local_state=2 (Donor)", …).
    public var message: String
    /// How long the check took.
    public var duration: Duration
    /// Whether the check was abandoned at its timeout.
    public var timedOut: Bool

    /// Creates a result.
    public init(passed: Bool, message: String, duration: Duration = .zero, timedOut: Bool = false) {
        self.passed = passed
        self.message = message
        self.duration = duration
        self.timedOut = timedOut
    }

    /// A passing result.
    public static func pass(_ message: String) -> ProbeResult { ProbeResult(passed: true, message: message) }

    /// A failing result.
    public static func fail(_ message: String) -> ProbeResult { ProbeResult(passed: false, message: message) }
}
