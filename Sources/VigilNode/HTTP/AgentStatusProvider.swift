import VigilCluster
/// What the HTTP API asks of the agent that embeds it. The agent implements it; the
/// server only formats answers.
///
/// Every method is called once per request, concurrently with others: answer from the
/// agent's current view (no store round trips), quickly.
public protocol AgentStatusProvider: Sendable {
    /// This node's name (the `node` field of `GET /v1/status`).
    var nodeName: String { get }

    /// The cluster status as `vigil status --json` prints it (DESIGN.md, "CLI"): one JSON
    /// object `{"coordinator": ..., "quorum": ..., "nodes": {...}, "resources": {...}}`,
    /// UTF-8. `nil` when the agent has no view of the cluster yet (the server answers
    /// `503`).
    func clusterStatusJSON() async -> [UInt8]?

    /// Every configured resource with its state on this node (`stopped` when it does not
    /// run here): the `local` field of `GET /v1/status`.
    func localResources() async -> [String: LocalResourceStatus]

    /// How the local instance of `resource` fares (`GET /health/<resource>`). Called on
    /// every load-balancer check, so it should be cheap. The default derives it from
    /// ``localResources()``.
    func localHealth(of resource: String) async -> LocalHealth

    /// `GET /health/<resource>?role=<role>`: for a Galera resource, `writer` (the one
    /// node that takes writes) or `reader` (any Synced node of the Primary component).
    /// The default answers unhealthy for any role.
    func localHealth(of resource: String, role: String) async -> LocalHealth

    /// Whether this agent's membership lease is confirmed by the store: the `agent` field of
    /// `GET /v1/status` (`false`: it has lost etcd and its view may be stale). The default,
    /// `nil`, reports nothing.
    func leaseConfirmed() async -> Bool?

    /// The applied configuration's cluster name: the `cluster` field of `GET /v1/status`.
    /// The default, `nil`, reports nothing.
    func clusterName() async -> String?

    /// Brings gauges that are read off the provider's state up to date; called before every
    /// `GET /metrics` is answered (so nothing refreshes them while nobody scrapes). The
    /// default does nothing.
    func refreshGauges() async
}

extension AgentStatusProvider {
    /// Derives the health from ``localResources()``: unknown when the resource is not
    /// listed, else ``LocalResourceStatus/health``.
    public func localHealth(of resource: String) async -> LocalHealth {
        guard let status = await localResources()[resource] else { return .unknownResource }
        return status.health
    }

    /// Nothing to refresh.
    public func refreshGauges() async {}

    /// Not reported.
    public func leaseConfirmed() async -> Bool? { nil }

    /// Not reported.
    public func clusterName() async -> String? { nil }

    /// Unhealthy for every role (only Galera resources have roles).
    public func localHealth(of resource: String, role: String) async -> LocalHealth {
        guard await localResources()[resource] != nil else { return .unknownResource }
        return .unhealthy("role \(role) is only for Galera resources")
    }
}
