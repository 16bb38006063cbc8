/// Answers the HTTP API from a running ``Agent``'s current view and its reconciler's local
/// state (no store round trips), and keeps the agent's gauges current.
public struct AgentStatusSource: AgentStatusProvider {
    /// The agent.
    public let agent: Agent
    /// The metrics the gauges are written to.
    public let metrics: AgentMetrics

    /// Creates a source for `agent`.
    public init(agent: Agent, metrics: AgentMetrics) {
        self.agent = agent
        self.metrics = metrics
    }

    /// This node's name.
    public var nodeName: String { agent.options.node }

    /// The cluster status of the agent's view; nil before its first read of the cluster.
    public func clusterStatusJSON() async -> [UInt8]? {
        let view = await agent.view
        guard view.revision > 0 else { return nil }
        return try? JSONCoding.encode(ClusterStatus(view: view))
    }

    /// Every local resource with its state and probes.
    public func localResources() async -> [String: LocalResourceStatus] {
        let resources = await agent.reconciler.resources
        return resources.mapValues { local in
            let state = local.state ?? .stopped
            let running = state == .started || state == .promoted || state == .unpromoted
            let healthy = running && (local.health?.healthy ?? local.handle.probes.isEmpty)
            let probes = (local.health?.probes ?? []).map(agent.options.redaction.redact)
            return LocalResourceStatus(state: state, healthy: healthy, probes: probes)
        }
    }

    /// Writes the membership, coordinator and per-resource gauges (call periodically).
    public func refreshGauges() async {
        metrics.setMember(await agent.lease != nil)
        metrics.setCoordinator(await agent.election.term != nil)
        let renewals = await agent.renewals
        metrics.setRenewals(renewals.stats, selfFences: renewals.selfFences)
        for (name, status) in await localResources() {
            metrics.setResource(name, node: nodeName, active: status.state.isActive, healthy: status.healthy)
        }
        let view = await agent.view
        for (resource, byNode) in view.failcounts {
            if let record = byNode[nodeName] { metrics.setFailcount(record.count, resource: resource, node: nodeName) }
        }
    }
}
