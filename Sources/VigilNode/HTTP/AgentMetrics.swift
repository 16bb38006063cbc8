public import VigilCluster
public import Prometheus

/// The agent's Prometheus metrics, kept in a registry of their own (the global
/// `MetricsSystem` is left alone, so the library can be embedded), served by
/// `GET /metrics`.
///
/// Metric families:
/// - `vigil_resource_active{resource,node}` gauge: 1 when the instance runs (any state
///   but stopped), else 0.
/// - `vigil_resource_healthy{resource,node}` gauge: 1 when the instance runs and its
///   probes are all up.
/// - `vigil_failcount{resource,node}` gauge: the failcount.
/// - `vigil_actions_total{action,resource,result}` counter: actions run on this node,
///   `result` is `success` or `failure`.
/// - `vigil_action_duration_seconds{action}` histogram: how long actions took.
/// - `vigil_is_coordinator` gauge: 1 while this agent is the elected coordinator.
/// - `vigil_member` gauge: 1 while this agent holds its membership lease.
/// - `vigil_lease_renewals`, `vigil_lease_renewal_longest_gap_seconds`,
///   `vigil_lease_renewal_least_headroom_seconds` gauges: how well the lease renewals keep
///   up (``RenewalStats``); `vigil_self_fences` gauge: self-fences since the agent started.
/// - `vigil_etcd_lease_renewals{path}` gauge: renewals etcd answered since the agent
///   started, by `path`: `stream` (the gRPC keep-alive stream) or `gateway` (the JSON
///   gateway, when the stream was slow or failed). A growing `gateway` count means the
///   stream keeps failing: see the agent's debug log.
///
/// Thread-safe: every method may be called from any task.
public final class AgentMetrics: Sendable {
    /// The registry the metrics live in; add your own metrics to it if needed.
    public let registry: PrometheusCollectorRegistry

    /// The upper bounds of the `vigil_action_duration_seconds` buckets.
    public static let actionDurationBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ]

    private let isCoordinator: Gauge
    private let member: Gauge
    private let renewalsConfirmed: Gauge
    private let renewalLongestGap: Gauge
    private let renewalLeastHeadroom: Gauge
    private let selfFences: Gauge
    private let renewalsByStream: Gauge
    private let renewalsByGateway: Gauge

    /// Creates the metrics in `registry` (a new one by default). `vigil_is_coordinator`
    /// and `vigil_member` start at 0.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        isCoordinator = registry.makeGauge(descriptor: Self.descriptor("vigil_is_coordinator", "1 while this agent is the elected coordinator."))
        member = registry.makeGauge(descriptor: Self.descriptor("vigil_member", "1 while this agent holds its membership lease."))
        renewalsConfirmed = registry.makeGauge(descriptor: Self.descriptor("vigil_lease_renewals", "Lease renewals etcd confirmed since the agent started."))
        renewalLongestGap = registry.makeGauge(
            descriptor: Self.descriptor("vigil_lease_renewal_longest_gap_seconds", "The longest time between two confirmed lease renewals (by send time)."))
        renewalLeastHeadroom = registry.makeGauge(
            descriptor: Self.descriptor(
                "vigil_lease_renewal_least_headroom_seconds", "The least time that was left before the self-fence deadline when a renewal was confirmed."))
        selfFences = registry.makeGauge(descriptor: Self.descriptor("vigil_self_fences", "How many times the agent self-fenced since it started."))
        let byPath = "Lease renewals etcd answered since the agent started, by the way they went."
        renewalsByStream = registry.makeGauge(name: "vigil_etcd_lease_renewals", labels: [("path", "stream")], help: byPath)
        renewalsByGateway = registry.makeGauge(name: "vigil_etcd_lease_renewals", labels: [("path", "gateway")], help: byPath)
        isCoordinator.set(to: 0)
        member.set(to: 0)
    }

    /// Sets the renewals-by-path gauges.
    public func setRenewalPaths(stream: Int, gateway: Int) {
        renewalsByStream.set(to: Double(stream))
        renewalsByGateway.set(to: Double(gateway))
    }

    /// Sets the lease renewal gauges.
    public func setRenewals(_ stats: RenewalStats, selfFences count: Int) {
        renewalsConfirmed.set(to: Double(stats.confirmed))
        renewalLongestGap.set(to: stats.longestGap / .seconds(1))
        if let headroom = stats.leastHeadroom { renewalLeastHeadroom.set(to: headroom / .seconds(1)) }
        selfFences.set(to: Double(count))
    }

    /// A metric's full name and help text (no namespace or unit parts: the names are
    /// written out in full).
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Counts one action (`start`, `stop`, `monitor`, `promote`, `demote`, `fence`, ...)
    /// on `resource` and records its duration.
    public func recordAction(kind: String, resource: String, succeeded: Bool, duration: Duration) {
        registry.makeCounter(descriptor: Self.descriptor("vigil_actions_total", "Resource actions run by this agent."), labels: [("action", kind), ("resource", resource), ("result", succeeded ? "success" : "failure")]).increment()
        registry.makeDurationHistogram(descriptor: Self.descriptor("vigil_action_duration_seconds", "How long resource actions took."), labels: [("action", kind)], buckets: Self.actionDurationBuckets).record(duration)
    }

    /// Sets whether `resource` runs on `node` and whether that instance is healthy.
    public func setResource(_ resource: String, node: String, active: Bool, healthy: Bool) {
        activeGauge(resource, node).set(to: active ? 1 : 0)
        healthyGauge(resource, node).set(to: healthy ? 1 : 0)
    }

    /// Sets the failcount of `resource` on `node`.
    public func setFailcount(_ count: Int, resource: String, node: String) {
        failcountGauge(resource, node).set(to: Double(count))
    }

    /// Drops every series of `resource` on `node` (the resource was removed from the
    /// configuration, or the node left).
    public func removeResource(_ resource: String, node: String) {
        registry.unregisterGauge(activeGauge(resource, node))
        registry.unregisterGauge(healthyGauge(resource, node))
        registry.unregisterGauge(failcountGauge(resource, node))
    }

    /// Sets whether this agent is the elected coordinator.
    public func setCoordinator(_ isCoordinator: Bool) {
        self.isCoordinator.set(to: isCoordinator ? 1 : 0)
    }

    /// Sets whether this agent holds its membership lease.
    public func setMember(_ isMember: Bool) {
        member.set(to: isMember ? 1 : 0)
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric in ``registry``.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    private func activeGauge(_ resource: String, _ node: String) -> Gauge {
        registry.makeGauge(descriptor: Self.descriptor("vigil_resource_active", "1 when the resource instance runs on the node."), labels: [("resource", resource), ("node", node)])
    }

    private func healthyGauge(_ resource: String, _ node: String) -> Gauge {
        registry.makeGauge(descriptor: Self.descriptor("vigil_resource_healthy", "1 when the resource instance runs and its probes are all up."), labels: [("resource", resource), ("node", node)])
    }

    private func failcountGauge(_ resource: String, _ node: String) -> Gauge {
        registry.makeGauge(descriptor: Self.descriptor("vigil_failcount", "The failcount of the resource on the node."), labels: [("resource", resource), ("node", node)])
    }
}
