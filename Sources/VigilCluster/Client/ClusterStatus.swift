import Foundation
import VigilModel

/// The cluster as `vigil status` shows it (DESIGN.md "CLI"): who coordinates, the nodes,
/// and what runs where, from one read of the keyspace.
public struct ClusterStatus: Sendable, Hashable, Encodable {
    /// One node's line.
    public struct Node: Sendable, Hashable, Encodable {
        /// It has a live member key (its agent runs and renews its lease).
        public var online: Bool
        /// Takes no resources (`vigil node standby`).
        public var standby: Bool
        /// Its resources are left alone (`vigil node maintenance`).
        public var maintenance: Bool
        /// Lost while it may still run resources, and not yet known down: what it ran waits
        /// (Pacemaker's UNCLEAN) for a fence (`fencing: devices`), or for its watchdog
        /// timeout, its own report or an operator's `confirm-down` (`fencing: self`).
        public var unclean: Bool
        /// The node's values of the attributes location rules read (configured, permanent or
        /// transient: the one the rules see); empty when no rule reads any.
        public var attributes: [String: String]

        /// Creates a node line.
        public init(online: Bool, standby: Bool, maintenance: Bool, unclean: Bool = false, attributes: [String: String] = [:]) {
            self.online = online
            self.standby = standby
            self.maintenance = maintenance
            self.unclean = unclean
            self.attributes = attributes
        }

        enum CodingKeys: String, CodingKey {
            case online, standby, maintenance, unclean, attributes
        }

        /// `attributes` only when a rule reads some, so other clusters' JSON is as before.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(online, forKey: .online)
            try container.encode(standby, forKey: .standby)
            try container.encode(maintenance, forKey: .maintenance)
            try container.encode(unclean, forKey: .unclean)
            if !attributes.isEmpty { try container.encode(attributes, forKey: .attributes) }
        }
    }

    /// The coordinator's node, nil when none is elected.
    public var coordinator: String?
    /// Whether the store answered (etcd has quorum).
    public var quorum: Bool
    /// Every configured node (and any live member the configuration does not name).
    public var nodes: [String: Node]
    /// Every configured resource → node → reported state (empty when it runs nowhere).
    public var resources: [String: [String: ResourceStatusState]]
    /// Resource → the unclean nodes that may still run it (their last assignment), until
    /// they are fenced. Shown in the text only; the JSON has `unclean` on the node.
    public var uncleanHolders: [String: [String]]
    /// Resource → node → failcount (only non-zero ones).
    public var failcounts: [String: [String: Int]]
    /// Nodes in configuration order, then other members by name (for display).
    public var nodeOrder: [String]
    /// Resources in configuration order (for display).
    public var resourceOrder: [String]
    /// Whether a configuration has been applied.
    public var configured: Bool
    /// What an unclean node waits for, in words (text only).
    public var uncleanWaitsFor: String
    /// Galera resource → each node's Galera state, the writer and the latest bootstrap
    /// choice (the JSON has `galera` only when the configuration has Galera resources).
    public var galera: [String: GaleraResourceStatus]
    /// RabbitMQ resource → each node's membership, partitions, alarms and leaders, and the
    /// boot choice (the JSON has `rabbitmq` only when the configuration has RabbitMQ
    /// resources).
    public var rabbitmq: [String: RabbitMQResourceStatus]

    /// The status a view shows. Status records of nodes that are not live members are
    /// left out (they are leased and stale); resources not in the configuration too.
    /// A failed instance: where, since when, and why (crm_mon's "Failed Resource Actions").
    public struct Failure: Sendable, Hashable, Encodable {
        /// The resource.
        public var resource: String
        /// The node.
        public var node: String
        /// When it failed (RFC 3339).
        public var since: String
        /// The agent's or the probe's answer.
        public var message: String

        /// Creates a failure.
        public init(resource: String, node: String, since: String, message: String) {
            self.resource = resource
            self.node = node
            self.since = since
            self.message = message
        }
    }

    /// The failed instances, newest first.
    public var failures: [Failure] = []
    /// The configuration's cluster name (nil before a configuration is applied; not in the
    /// JSON).
    public var cluster: String?
    /// Resource → node → its probes' verdict as that node's agent last wrote it (written
    /// when the verdict changes: `healthy`, and one line per probe). Only running
    /// instances with probes.
    public var health: [String: [String: HealthReport]] = [:]

    public init(view: ClusterView) {
        coordinator = view.coordinator?.node
        quorum = true
        configured = view.config != nil
        let configNodes = view.config?.nodes.map(\.name) ?? []
        nodeOrder = configNodes + view.members.keys.filter { !configNodes.contains($0) }.sorted()
        resourceOrder = view.config?.resources.map(\.name) ?? []
        let lost = view.config.map { StateBuilder.lostNodes(view: view, config: $0) } ?? [:]
        uncleanWaitsFor =
            view.config?.cluster.fencing == .devices
            ? "fence pending" : "not known stopped: waits for its watchdog timeout, its own report, or vigil node confirm-down"
        var nodes: [String: Node] = [:]
        let ruleAttributes = view.config?.ruleAttributes ?? []
        for name in nodeOrder {
            let admin = view.nodeAdmin[name] ?? NodeAdminRecord()
            var attributes: [String: String] = [:]
            if let config = view.config, let node = config.nodes.first(where: { $0.name == name }) {
                let runtime = view.attributes(of: name)
                for attribute in ruleAttributes {
                    attributes[attribute] = ClusterConfig.attribute(attribute, of: node, runtime: runtime)
                }
            }
            nodes[name] = Node(
                online: view.members[name] != nil, standby: admin.standby, maintenance: admin.maintenance,
                unclean: lost[name] != nil, attributes: attributes)
        }
        var uncleanHolders: [String: [String]] = [:]
        for (node, lostNode) in lost {
            for resource in lostNode.resources.keys { uncleanHolders[resource, default: []].append(node) }
        }
        self.uncleanHolders = uncleanHolders.mapValues { $0.sorted() }
        self.nodes = nodes
        var resources: [String: [String: ResourceStatusState]] = [:]
        var failcounts: [String: [String: Int]] = [:]
        for resource in resourceOrder {
            var placed: [String: ResourceStatusState] = [:]
            for (node, statuses) in view.status where view.members[node] != nil {
                if let state = statuses[resource]?.state { placed[node] = state }
            }
            resources[resource] = placed
            for (node, record) in view.failcounts[resource] ?? [:] where record.count != 0 {
                failcounts[resource, default: [:]][node] = record.count
            }
        }
        self.resources = resources
        self.failcounts = failcounts
        var failures: [Failure] = []
        for (node, statuses) in view.status where view.members[node] != nil {
            for resource in resourceOrder {
                guard let record = statuses[resource], record.state == .failed else { continue }
                failures.append(Failure(resource: resource, node: node, since: record.since, message: record.message ?? "failed"))
            }
        }
        var health: [String: [String: HealthReport]] = [:]
        for (node, statuses) in view.status where view.members[node] != nil {
            for resource in resourceOrder {
                guard let record = statuses[resource], let report = record.health, [.started, .promoted, .unpromoted].contains(record.state) else { continue }
                health[resource, default: [:]][node] = report
            }
        }
        self.health = health
        cluster = view.config?.cluster.name
        self.failures = failures.sorted { $0.since != $1.since ? $0.since > $1.since : ($0.resource, $0.node) < ($1.resource, $1.node) }
        var galera: [String: GaleraResourceStatus] = [:]
        if let config = view.config {
            let lostNodes = Set(lost.keys)
            for resource in config.resources where resource.agent == .galera && resource.isClone {
                galera[resource.name] = GaleraResourceStatus(resource: resource, config: config, view: view, lost: lostNodes)
            }
        }
        self.galera = galera
        var rabbitmq: [String: RabbitMQResourceStatus] = [:]
        if let config = view.config {
            for resource in config.resources where resource.agent == .rabbitmq && resource.isClone {
                rabbitmq[resource.name] = RabbitMQResourceStatus(resource: resource, config: config, view: view, lost: Set(lost.keys))
            }
        }
        self.rabbitmq = rabbitmq
    }

    enum CodingKeys: String, CodingKey {
        case coordinator, quorum, nodes, resources, failcounts, galera, rabbitmq, failures, order, health
    }

    /// The display order: nodes and resources as the configuration lists them (JSON
    /// objects have none).
    struct Order: Encodable {
        var nodes: [String]
        var resources: [String]
    }

    /// Encodes the DESIGN contract: `coordinator` is `null` when none is elected. `galera`
    /// and `rabbitmq` are added only when there are such resources, so other clusters'
    /// JSON is as before; `order` always, `health` when some instance has probes. (`cluster`
    /// is not encoded: the contract's JSON starts with `coordinator`; the agent's status
    /// document adds it.)
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(coordinator, forKey: .coordinator)
        try container.encode(quorum, forKey: .quorum)
        try container.encode(nodes, forKey: .nodes)
        try container.encode(resources, forKey: .resources)
        try container.encode(failcounts, forKey: .failcounts)
        if !galera.isEmpty { try container.encode(galera, forKey: .galera) }
        if !rabbitmq.isEmpty { try container.encode(rabbitmq, forKey: .rabbitmq) }
        if !failures.isEmpty { try container.encode(failures, forKey: .failures) }
        try container.encode(Order(nodes: nodeOrder, resources: resourceOrder), forKey: .order)
        if !health.isEmpty { try container.encode(health, forKey: .health) }
    }

    /// One JSON object with sorted keys.
    public var json: String {
        String(decoding: (try? JSONCoding.encode(self)) ?? Array("{}".utf8), as: UTF8.self)
    }

    /// A table for people: the coordinator, one line per node, one per resource, then each
    /// Galera resource's writer, bootstrap choice and nodes.
    public var text: String { text(color: false) }

    /// The summary on one line (crm_mon's "Cluster Summary"): nodes online of configured,
    /// resources running, failed, unmanaged (an instance on a node in maintenance), stopped.
    public var summary: String {
        let configuredNodes = nodeOrder.compactMap { nodes[$0] }
        let online = configuredNodes.filter(\.online).count
        var nodePart = "\(configuredNodes.count) node\(configuredNodes.count == 1 ? "" : "s"), \(online) online"
        let standby = configuredNodes.filter { $0.online && $0.standby }.count
        let maintenance = configuredNodes.filter(\.maintenance).count
        let unclean = configuredNodes.filter(\.unclean).count
        if standby > 0 { nodePart += ", \(standby) standby" }
        if maintenance > 0 { nodePart += ", \(maintenance) in maintenance" }
        if unclean > 0 { nodePart += ", \(unclean) UNCLEAN" }
        let maintenanceNodes = Set(nodeOrder.filter { nodes[$0]?.maintenance == true })
        var running = 0, failed = 0, unmanaged = 0, stopped = 0
        for name in resourceOrder {
            let placed = resources[name] ?? [:]
            if placed.values.contains(.failed) { failed += 1 }
            if placed.keys.contains(where: maintenanceNodes.contains) { unmanaged += 1 }
            let active = placed.values.contains { [.started, .promoted, .unpromoted].contains($0) }
            if active { running += 1 } else if !placed.values.contains(.failed) { stopped += 1 }
        }
        return "\(nodePart); \(resourceOrder.count) resource\(resourceOrder.count == 1 ? "" : "s"): \(running) running, \(failed) failed, "
            + "\(unmanaged) unmanaged, \(stopped) stopped\(quorum ? "" : "; NO QUORUM")"
    }

    /// The table, coloured for a terminal when `color` (states, UNCLEAN, failures).
    public func text(color: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func paintState(_ state: ResourceStatusState) -> String {
            switch state {
            case .started, .promoted, .unpromoted: paint(state.rawValue, "32")
            case .failed: paint(state.rawValue, "1;31")
            case .starting, .stopping: paint(state.rawValue, "33")
            case .stopped: paint(state.rawValue, "2")
            }
        }
        var lines = [summary, "Coordinator: \(coordinator ?? "none")"]
        if !configured { lines.append("No configuration applied (vigil config apply FILE).") }
        let nodeWidth = max(4, nodeOrder.map(\.count).max() ?? 0)
        lines.append("Nodes:")
        for name in nodeOrder {
            guard let node = nodes[name] else { continue }
            var flags = [node.online ? paint("online", "32") : paint("offline", "2")]
            if node.unclean { flags.append(paint("UNCLEAN", "1;31") + " (\(uncleanWaitsFor))") }
            if node.standby { flags.append(paint("standby", "33")) }
            if node.maintenance { flags.append(paint("maintenance", "33")) }
            var line = "  " + name.padded(to: nodeWidth) + "  " + flags.joined(separator: ", ")
            if !node.attributes.isEmpty {
                line += "   (" + node.attributes.keys.sorted().map { "\($0)=\(node.attributes[$0] ?? "")" }.joined(separator: ", ") + ")"
            }
            lines.append(line)
        }
        let resourceWidth = max(8, resourceOrder.map(\.count).max() ?? 0)
        lines.append("Resources:")
        for name in resourceOrder {
            let placed = resources[name] ?? [:]
            let unclean = (uncleanHolders[name] ?? []).map { "\($0): " + paint("UNCLEAN", "1;31") }
            let reported = placed.keys.sorted().map { node in "\(node): " + (placed[node].map(paintState) ?? "?") }
            let where_ = placed.isEmpty && unclean.isEmpty ? paint("stopped", "2") : (reported + unclean).joined(separator: ", ")
            var line = "  " + name.padded(to: resourceWidth) + "  " + where_
            if let counts = failcounts[name], !counts.isEmpty {
                line += "   (failcounts: " + counts.keys.sorted().map { "\($0)=\(counts[$0] ?? 0)" }.joined(separator: ", ") + ")"
            }
            lines.append(line)
        }
        if !failures.isEmpty {
            lines.append("Failed actions:")
            for failure in failures {
                lines.append("  " + paint("\(failure.resource) on \(failure.node)", "31") + " since \(failure.since): \(failure.message.split(separator: "\n").first ?? "")")
            }
        }
        let galeraResources = resourceOrder.filter { galera[$0] != nil }
        if !galeraResources.isEmpty {
            lines.append("Galera:")
            for name in galeraResources { lines += galera[name]?.lines(resource: name) ?? [] }
        }
        let rabbitmqResources = resourceOrder.filter { rabbitmq[$0] != nil }
        if !rabbitmqResources.isEmpty {
            lines.append("RabbitMQ:")
            for name in rabbitmqResources { lines += rabbitmq[name]?.lines(resource: name) ?? [] }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
