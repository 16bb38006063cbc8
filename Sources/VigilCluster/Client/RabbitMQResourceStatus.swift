public import VigilModel

/// One RabbitMQ resource as `vigil status` shows it: each node's membership, partitions,
/// alarms and quorum-queue leaders, and the boot choice in force (the `rabbitmq` object of
/// the status JSON).
public struct RabbitMQResourceStatus: Sendable, Hashable, Encodable {
    /// One RabbitMQ node.
    public struct Node: Sendable, Hashable, Encodable {
        /// The Erlang node name.
        public var nodename: String
        /// `running` (the application runs and answered), `not-running` (the server runs
        /// but its application does not answer: booting, waiting for its peers, paused in
        /// a minority), `down`, `unclean`, `waiting` (stopped, waiting for the cluster), or
        /// the resource state before the first report (`starting`, `stopping`, `failed`).
        public var state: String
        /// The cluster's members as this node sees them.
        public var members: [String]
        /// The members running, as this node sees them.
        public var clustered: [String]
        /// Partitions it reports.
        public var partitions: [String]
        /// Active alarms.
        public var alarms: [String]
        /// Quorum queues led by this node (nil: not counted yet).
        public var leaders: Int?
        /// Its last AMQP round trip (confirmed publish + get on a quorum queue) passed.
        public var amqp: Bool
        /// Why it waits or what its last failed check said.
        public var message: String?
    }

    /// The boot choice in force, if any.
    public struct Boot: Sendable, Hashable, Encodable {
        /// The chosen node.
        public var node: String
        /// `new-cluster` or `force-boot`.
        public var mode: String
        /// Why.
        public var reason: String
        /// When.
        public var at: String
    }

    /// Every RabbitMQ node of the resource, by Vigil node.
    public var nodes: [String: Node]
    /// The boot choice in force (only while no node runs).
    public var boot: Boot?

    /// The status of rabbitmq resource `resource` in `view`; `lost`: the unclean nodes.
    public init(resource: ResourceConfig, config: ClusterConfig, view: ClusterView, lost: Set<String>) {
        var nodes: [String: Node] = [:]
        for (node, nodename) in RabbitMQNodes.of(resource, in: config) {
            let status = view.members[node] != nil ? view.status[node]?[resource.name] : nil
            var entry = Node(
                nodename: nodename, state: lost.contains(node) ? "unclean" : "down", members: [], clustered: [], partitions: [], alarms: [],
                leaders: nil, amqp: false, message: nil)
            if let status {
                switch status.state {
                case .stopped:
                    entry.state = status.waiting == true ? "waiting" : entry.state
                    entry.message = status.waiting == true ? status.message : nil
                case .started:
                    entry.state = status.rabbitmq.map { $0.running ? "running" : "not-running" } ?? "started"
                default:
                    entry.state = status.state.rawValue
                    entry.message = status.state == .failed ? status.message : nil
                }
                if let observed = status.rabbitmq, status.state != .stopped {
                    entry.members = observed.members
                    entry.clustered = observed.clustered
                    entry.partitions = observed.partitions
                    entry.alarms = observed.alarms
                    entry.leaders = observed.leaders
                    entry.amqp = observed.amqp
                    entry.message = observed.message ?? entry.message
                }
            }
            nodes[node] = entry
        }
        self.nodes = nodes
        boot = view.rabbitmqBoot[resource.name].map {
            Boot(node: $0.record.node, mode: $0.record.mode.rawValue, reason: $0.record.reason, at: $0.record.at)
        }
    }

    /// The lines of `vigil status` for this resource.
    func lines(resource: String) -> [String] {
        var lines = ["  \(resource):" + (boot.map { "  boot choice: \($0.node) (\($0.mode)): \($0.reason)" } ?? "")]
        let width = max(4, nodes.keys.map(\.count).max() ?? 0)
        for name in nodes.keys.sorted() {
            guard let node = nodes[name] else { continue }
            var line = "    " + name.padded(to: width) + "  " + node.nodename + "  " + node.state
            if node.state == "running" || node.state == "not-running" {
                line += "  clustered \(node.clustered.count)/\(node.members.count)"
                line += node.amqp ? ", amqp ok" : ", amqp FAILING"
                if let leaders = node.leaders { line += ", \(leaders) quorum leader\(leaders == 1 ? "" : "s")" }
                if !node.partitions.isEmpty { line += ", PARTITIONED: " + node.partitions.joined(separator: " ") }
                if !node.alarms.isEmpty { line += ", ALARMS: " + node.alarms.joined(separator: ", ") }
            }
            if let message = node.message, node.state != "running" || !node.amqp { line += "  (\(message))" }
            lines.append(line)
        }
        return lines
    }
}
