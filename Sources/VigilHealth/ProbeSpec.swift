/// One health probe of a resource (an entry of `health:`), with its schedule.
public struct ProbeSpec: Sendable, Hashable {
    /// A name for reports (default: the kind and its target, e.g. `tcp 127.0.0.1:3306`).
    public var name: String
    /// What to check.
    public var kind: ProbeKind
    /// Time between the starts of two checks.
    public var interval: Duration
    /// How long one check may take before it counts as failed.
    public var timeout: Duration
    /// Consecutive passes before the probe counts as healthy.
    public var rise: Int
    /// Consecutive failures before the probe counts as unhealthy.
    public var fall: Int

    /// Creates a probe; `rise` and `fall` below 1 are raised to 1.
    public init(
        name: String? = nil, kind: ProbeKind, interval: Duration = .seconds(5), timeout: Duration = .seconds(2),
        rise: Int = 1, fall: Int = 1
    ) {
        self.name = name ?? kind.summary
        self.kind = kind
        self.interval = interval
        self.timeout = timeout
        self.rise = max(1, rise)
        self.fall = max(1, fall)
    }
}
