import VigilCluster
import VigilStore
/// Answers the HTTP API from a running ``Agent``'s current view and its reconciler's local
/// state (no store round trips), and brings the agent's gauges up to date for each scrape.
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
            let checks = running ? local.checks.sorted { $0.key < $1.key }.map(\.value) : []
            return LocalResourceStatus(state: state, healthy: healthy, probes: probes, checks: checks)
        }
    }

    /// Whether the agent's membership lease is confirmed by etcd (false: it has lost the
    /// store, and its view may be stale).
    public func leaseConfirmed() async -> Bool? {
        await agent.leaseConfirmed
    }

    /// The applied configuration's `cluster.name`.
    public func clusterName() async -> String? {
        await agent.view.config?.cluster.name
    }

    /// A Galera node: healthy when Synced in the Primary component (and its probes are up).
    /// A RabbitMQ node: when it runs clustered with a majority of the members, with no
    /// partition and no alarm, and its last AMQP round trip on a quorum queue passed.
    public func localHealth(of resource: String) async -> LocalHealth {
        let managed: LocalHealth =
            if let health = await galeraHealth(of: resource, role: nil) {
                health
            } else if let health = await rabbitmqHealth(of: resource) {
                health
            } else {
                await localResources()[resource]?.health ?? .unknownResource
            }
        return Self.combine(managed, report: await agent.view.healthReports[resource]?[nodeName])
    }

    /// A service's own report (VigilKit's `reportHealth`, live while its lease lasts)
    /// joins what the agent sees: healthy only when both are; a report alone answers for
    /// a resource the agent does not manage.
    static func combine(_ managed: LocalHealth, report: HealthReportRecord?) -> LocalHealth {
        guard let report else { return managed }
        guard report.healthy else {
            return .unhealthy("reported unhealthy by \(report.reporter)" + (report.reason.isEmpty ? "" : ": \(report.reason)"))
        }
        return managed == .unknownResource ? .healthy : managed
    }

    /// `writer`: healthy on the recorded writer only, while this agent's lease is
    /// confirmed; `reader`: on every Synced node of the Primary component (and donors
    /// with `accept-donor`).
    public func localHealth(of resource: String, role: String) async -> LocalHealth {
        if let health = await galeraHealth(of: resource, role: role) { return health }
        guard await localResources()[resource] != nil else { return .unknownResource }
        return .unhealthy("role \(role) is only for Galera resources")
    }

    /// The health of a Galera resource (nil for other kinds).
    private func galeraHealth(of resource: String, role: String?) async -> LocalHealth? {
        let resources = await agent.reconciler.resources
        guard let local = resources[resource], case .galera(let params) = local.config.params else { return nil }
        let state = local.state ?? .stopped
        guard state == .started else { return state == .stopped ? .notRunning : .unhealthy(state.rawValue) }
        guard let galera = local.galera else { return .unhealthy("Galera state not known yet") }
        if let health = local.health, !health.healthy {
            return .unhealthy(health.probes.filter { !$0.contains(": up") }.map(agent.options.redaction.redact).joined(separator: "; "))
        }
        guard galera.primary else { return .unhealthy("\(galera.state)") }
        switch role {
        case nil:
            return galera.synced ? .healthy : .unhealthy(galera.state)
        case "reader"?:
            return galera.synced || (params.acceptDonor && galera.donor) ? .healthy : .unhealthy(galera.state)
        case "writer"?:
            guard galera.synced else { return .unhealthy(galera.state) }
            let writer = await agent.view.galeraWriter[resource]?.record.node
            guard writer == nodeName else { return .unhealthy("not the writer (\(writer ?? "none chosen yet"))") }
            guard await agent.leaseConfirmed else { return .unhealthy("membership lease not confirmed") }
            return .healthy
        case let other?:
            return .unhealthy("unknown role '\(other)' (writer or reader)")
        }
    }

    /// The health of a RabbitMQ resource (nil for other kinds).
    private func rabbitmqHealth(of resource: String) async -> LocalHealth? {
        let resources = await agent.reconciler.resources
        guard let local = resources[resource], case .rabbitmq = local.config.params else { return nil }
        let state = local.state ?? .stopped
        guard state == .started else { return state == .stopped ? .notRunning : .unhealthy(state.rawValue) }
        guard let rabbitmq = local.rabbitmq else { return .unhealthy("RabbitMQ state not known yet") }
        if let health = local.health, !health.healthy {
            return .unhealthy(health.probes.filter { !$0.contains(": healthy") }.map(agent.options.redaction.redact).joined(separator: "; "))
        }
        guard rabbitmq.running else { return .unhealthy("the application does not run: \(rabbitmq.message ?? "no answer")") }
        guard rabbitmq.partitions.isEmpty else { return .unhealthy("partitioned: \(rabbitmq.partitions.joined(separator: ", "))") }
        guard rabbitmq.alarms.isEmpty else { return .unhealthy("alarm: \(rabbitmq.alarms.joined(separator: ", "))") }
        guard rabbitmq.clustered.count * 2 > rabbitmq.members.count else {
            return .unhealthy("clustered with \(rabbitmq.clustered.count) of \(rabbitmq.members.count) members: not a majority")
        }
        guard rabbitmq.amqp else { return .unhealthy(rabbitmq.message.map(agent.options.redaction.redact) ?? "AMQP round trip failed") }
        // etcd's majority, not the node's own view, decides which side of a partition serves.
        guard await agent.leaseConfirmed else { return .unhealthy("membership lease not confirmed: this node may be cut off from the majority") }
        return .healthy
    }

    /// Writes the membership, coordinator and per-resource gauges (before each `GET /metrics`).
    public func refreshGauges() async {
        metrics.setMember(await agent.lease != nil)
        metrics.setCoordinator(await agent.election.term != nil)
        let renewals = await agent.renewals
        metrics.setRenewals(renewals.stats, selfFences: renewals.selfFences)
        if let etcd = agent.store as? EtcdStore {
            let paths = etcd.keepAliveCounts
            metrics.setRenewalPaths(stream: paths.stream, gateway: paths.gateway)
        }
        for (name, status) in await localResources() {
            metrics.setResource(name, node: nodeName, active: status.state.isActive, healthy: status.healthy)
        }
        let view = await agent.view
        for (resource, byNode) in view.failcounts {
            if let record = byNode[nodeName] { metrics.setFailcount(record.count, resource: resource, node: nodeName) }
        }
    }
}
