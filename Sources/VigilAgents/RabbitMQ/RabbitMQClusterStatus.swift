/// A running node's view of its cluster (`rabbitmqctl cluster_status --formatter json`).
public struct RabbitMQClusterStatus: Sendable, Hashable {
    /// The members (disc nodes).
    public var members: [String]
    /// The members running, as this node sees them.
    public var running: [String]
    /// Partitions it reports: node → nodes it is partitioned from.
    public var partitions: [String: [String]]
    /// Active alarms, as `resource on node`.
    public var alarms: [String]

    /// Creates a status.
    public init(members: [String], running: [String], partitions: [String: [String]] = [:], alarms: [String] = []) {
        self.members = members
        self.running = running
        self.partitions = partitions
        self.alarms = alarms
    }

    /// Parses the decoded JSON document; nil when it is not a cluster status.
    public init?(json: Any) {
        guard let object = json as? [String: Any], let members = object["disk_nodes"] as? [String],
            let running = object["running_nodes"] as? [String]
        else { return nil }
        self.members = members.sorted()
        self.running = running.sorted()
        var partitions: [String: [String]] = [:]
        if let map = object["partitions"] as? [String: Any] {
            for (node, value) in map {
                let others = (value as? [String]) ?? []
                partitions[node] = others.sorted()
            }
        }
        self.partitions = partitions
        alarms = ((object["alarms"] as? [Any]) ?? []).map { alarm in
            if let entry = alarm as? [String: Any] {
                let resource = (entry["resource"] as? String) ?? (entry["type"] as? String) ?? "alarm"
                return (entry["node"] as? String).map { "\(resource) on \($0)" } ?? resource
            }
            return "\(alarm)"
        }.sorted()
    }
}
