/// Health that a service reports about itself (`reports/<resource>/<node>`), kept on a
/// lease of ``ttl`` seconds: a reporter that stops reporting is unhealthy once the lease
/// expires (the key is gone), without anyone's clock deciding it.
public struct HealthReportRecord: Codable, Sendable, Hashable {
    /// Whether the service says it is healthy.
    public var healthy: Bool
    /// Why, in the service's words (at most ``maxReasonLength`` characters).
    public var reason: String
    /// Who reported (the reporting process's identity).
    public var reporter: String
    /// When it reported, RFC 3339.
    public var time: String
    /// The report's lifetime in seconds (the lease's TTL).
    public var ttl: Int

    /// The longest reason kept.
    public static let maxReasonLength = 500

    /// Creates a record.
    public init(healthy: Bool, reason: String, reporter: String, time: String, ttl: Int) {
        self.healthy = healthy
        self.reason = reason
        self.reporter = reporter
        self.time = time
        self.ttl = ttl
    }
}
