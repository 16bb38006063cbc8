/// The keys of one cluster in the store (docs/etcd-keyspace.md), all under one prefix.
public struct Keyspace: Sendable, Hashable {
    /// The prefix every key starts with, ending in `/` (e.g. `/vigil/prod/`).
    public let prefix: String

    /// A keyspace under `prefix` (a trailing `/` is added when missing).
    public init(prefix: String) {
        self.prefix = prefix.hasSuffix("/") ? prefix : prefix + "/"
    }

    /// The default keyspace of cluster `name`: `/vigil/<name>/`.
    public init(cluster name: String) {
        self.init(prefix: "/vigil/\(name)/")
    }

    /// `config`: the applied configuration.
    public var config: String { prefix + "config" }
    /// `coordinator`: the elected coordinator (leased; its create revision is the term).
    public var coordinator: String { prefix + "coordinator" }
    /// `members/`.
    public var members: String { prefix + "members/" }
    /// `members/<node>`.
    public func member(_ node: String) -> String { members + node }
    /// `assignments/`.
    public var assignments: String { prefix + "assignments/" }
    /// `assignments/<resource>`.
    public func assignment(_ resource: String) -> String { assignments + resource }
    /// `status/`.
    public var status: String { prefix + "status/" }
    /// `status/<node>/`.
    public func status(of node: String) -> String { status + node + "/" }
    /// `status/<node>/<resource>`.
    public func status(_ resource: String, on node: String) -> String { status(of: node) + resource }
    /// `failcounts/`.
    public var failcounts: String { prefix + "failcounts/" }
    /// `failcounts/<resource>/`.
    public func failcounts(of resource: String) -> String { failcounts + resource + "/" }
    /// `failcounts/<resource>/<node>`.
    public func failcount(_ resource: String, on node: String) -> String { failcounts(of: resource) + node }
    /// `nodes/`.
    public var nodes: String { prefix + "nodes/" }
    /// `nodes/<node>/admin`.
    public func nodeAdmin(_ node: String) -> String { nodes + node + "/admin" }
    /// `nodes/<node>/down`: how the node's last incarnation ended (``NodeDownRecord``).
    public func nodeDown(_ node: String) -> String { nodes + node + "/down" }
    /// `nodes/<node>/watchdog`: the watchdog of the node's incarnation that wrote it
    /// (``NodeWatchdogRecord``, written in the same transaction as its member key).
    public func nodeWatchdog(_ node: String) -> String { nodes + node + "/watchdog" }
    /// `nodes/<node>/attributes/<name>` (permanent, no lease) or
    /// `nodes/<node>/transient/<name>` (on the node's member lease): a node attribute set at
    /// run time (``NodeAttributeRecord``).
    public func nodeAttribute(_ name: String, on node: String, transient: Bool) -> String {
        nodes + node + (transient ? "/transient/" : "/attributes/") + name
    }
    /// `resources/`.
    public var resources: String { prefix + "resources/" }
    /// `resources/<resource>/admin`: operator overrides (move, ban, stop for restart).
    public func resourceAdmin(_ resource: String) -> String { resources + resource + "/admin" }
    /// `resources/<resource>/notification`: the clone notification cycle in progress
    /// (``NotificationRecord``), written by the coordinator.
    public func notification(_ resource: String) -> String { resources + resource + "/notification" }
    /// `galera/`.
    public var galera: String { prefix + "galera/" }
    /// `galera/<resource>/bootstrap` (``GaleraBootstrapRecord``).
    public func galeraBootstrap(_ resource: String) -> String { galera + resource + "/bootstrap" }
    /// `galera/<resource>/last-bootstrap` (``GaleraBootstrapRecord``): the latest bootstrap
    /// choice, kept after `bootstrap` is deleted so that status can say who was
    /// bootstrapped when (written by ``GaleraHistory/lastBootstrapOp(_:resource:in:)``).
    public func galeraLastBootstrap(_ resource: String) -> String { galera + resource + "/last-bootstrap" }
    /// `galera/<resource>/writer` (``GaleraWriterRecord``).
    public func galeraWriter(_ resource: String) -> String { galera + resource + "/writer" }
    /// `galera/<resource>/positions/<node>` (``GaleraPositionRecord``).
    public func galeraPosition(_ resource: String, on node: String) -> String { galera + resource + "/positions/" + node }
    /// `rabbitmq/`.
    public var rabbitmq: String { prefix + "rabbitmq/" }
    /// `rabbitmq/<resource>/boot` (``RabbitMQBootRecord``).
    public func rabbitmqBoot(_ resource: String) -> String { rabbitmq + resource + "/boot" }
    /// `rabbitmq/<resource>/joining` (``RabbitMQJoinRecord``), attached to the joiner's lease.
    public func rabbitmqJoining(_ resource: String) -> String { rabbitmq + resource + "/joining" }
    /// `rabbitmq/<resource>/nodes/<node>` (``RabbitMQNodeRecord``).
    public func rabbitmqNode(_ resource: String, on node: String) -> String { rabbitmq + resource + "/nodes/" + node }
    /// `fragments/`.
    public var fragments: String { prefix + "fragments/" }
    /// `fragments/<owner>`: one owner's part of the configuration (``FragmentRecord``);
    /// `config` holds them merged.
    public func fragment(_ owner: String) -> String { fragments + owner }
    /// `leadership/`.
    public var leadership: String { prefix + "leadership/" }
    /// `leadership/<name>/leader`: a service's leader (leased; its create revision is the
    /// fencing token).
    public func leader(_ name: String) -> String { leadership + name + "/leader" }
    /// `leadership/<name>/candidates/`.
    public func candidates(_ name: String) -> String { leadership + name + "/candidates/" }
    /// `leadership/<name>/candidates/<id>`: a campaigning process's session (leased).
    public func candidate(_ name: String, id: String) -> String { candidates(name) + id }
    /// `leadership/<name>/data/<key>`: data written only by the holder of a valid token.
    public func leaderData(_ name: String, key: String) -> String { leadership + name + "/data/" + key }
    /// `groups/`.
    public var groups: String { prefix + "groups/" }
    /// `groups/<group>/`.
    public func group(_ name: String) -> String { groups + name + "/" }
    /// `groups/<group>/<member>`: a service replica in its group (leased).
    public func groupMember(_ group: String, member: String) -> String { self.group(group) + member }
    /// `reports/`.
    public var reports: String { prefix + "reports/" }
    /// `reports/<resource>/<node>`: health a service pushed (``HealthReportRecord``, on a
    /// lease of the report's TTL).
    public func report(_ resource: String, on node: String) -> String { reports + resource + "/" + node }
    /// `events/`.
    public var events: String { prefix + "events/" }
    /// `events/<sequence>-<node>`, the sequence zero-padded to 20 digits so keys sort by
    /// time; the node name keeps two writers' keys apart.
    public func event(_ sequence: Int64, node: String) -> String {
        let digits = String(sequence)
        return events + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "-" + node
    }

    /// What a key under this prefix is, or nil for keys Vigil does not know.
    public func classify(_ key: String) -> KeyKind? {
        guard key.hasPrefix(prefix) else { return nil }
        let rest = key.dropFirst(prefix.count)
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("config", 1): return .config
        case ("coordinator", 1): return .coordinator
        case ("members", 2): return .member(node: parts[1])
        case ("assignments", 2): return .assignment(resource: parts[1])
        case ("status", 3): return .status(node: parts[1], resource: parts[2])
        case ("failcounts", 3): return .failcount(resource: parts[1], node: parts[2])
        case ("nodes", 3) where parts[2] == "admin": return .nodeAdmin(node: parts[1])
        case ("nodes", 3) where parts[2] == "down": return .nodeDown(node: parts[1])
        case ("nodes", 3) where parts[2] == "watchdog": return .nodeWatchdog(node: parts[1])
        case ("nodes", 4) where parts[2] == "attributes" || parts[2] == "transient":
            return .nodeAttribute(node: parts[1], name: parts[3], transient: parts[2] == "transient")
        case ("resources", 3) where parts[2] == "admin": return .resourceAdmin(resource: parts[1])
        case ("resources", 3) where parts[2] == "notification": return .notification(resource: parts[1])
        case ("galera", 3) where parts[2] == "bootstrap": return .galeraBootstrap(resource: parts[1])
        case ("galera", 3) where parts[2] == "last-bootstrap": return .galeraLastBootstrap(resource: parts[1])
        case ("galera", 3) where parts[2] == "writer": return .galeraWriter(resource: parts[1])
        case ("galera", 4) where parts[2] == "positions": return .galeraPosition(resource: parts[1], node: parts[3])
        case ("rabbitmq", 3) where parts[2] == "boot": return .rabbitmqBoot(resource: parts[1])
        case ("rabbitmq", 3) where parts[2] == "joining": return .rabbitmqJoining(resource: parts[1])
        case ("rabbitmq", 4) where parts[2] == "nodes": return .rabbitmqNode(resource: parts[1], node: parts[3])
        case ("events", 2): return .event
        case ("reports", 3): return .healthReport(resource: parts[1], node: parts[2])
        case ("fragments", 2): return .fragment(owner: parts[1])
        default: return nil
        }
    }
}

/// The kind of a key in the ``Keyspace``, with the names it carries.
public enum KeyKind: Sendable, Hashable {
    /// `config`.
    case config
    /// `coordinator`.
    case coordinator
    /// `members/<node>`.
    case member(node: String)
    /// `assignments/<resource>`.
    case assignment(resource: String)
    /// `status/<node>/<resource>`.
    case status(node: String, resource: String)
    /// `failcounts/<resource>/<node>`.
    case failcount(resource: String, node: String)
    /// `nodes/<node>/admin`.
    case nodeAdmin(node: String)
    /// `nodes/<node>/down`.
    case nodeDown(node: String)
    /// `nodes/<node>/watchdog`.
    case nodeWatchdog(node: String)
    /// `nodes/<node>/attributes/<name>` or `nodes/<node>/transient/<name>`.
    case nodeAttribute(node: String, name: String, transient: Bool)
    /// `resources/<resource>/admin`.
    case resourceAdmin(resource: String)
    /// `resources/<resource>/notification`.
    case notification(resource: String)
    /// `galera/<resource>/bootstrap`.
    case galeraBootstrap(resource: String)
    /// `galera/<resource>/last-bootstrap`.
    case galeraLastBootstrap(resource: String)
    /// `galera/<resource>/writer`.
    case galeraWriter(resource: String)
    /// `galera/<resource>/positions/<node>`.
    case galeraPosition(resource: String, node: String)
    /// `rabbitmq/<resource>/boot`.
    case rabbitmqBoot(resource: String)
    /// `rabbitmq/<resource>/joining`.
    case rabbitmqJoining(resource: String)
    /// `rabbitmq/<resource>/nodes/<node>`.
    case rabbitmqNode(resource: String, node: String)
    /// `events/<sequence>-<node>`.
    case event
    /// `reports/<resource>/<node>`.
    case healthReport(resource: String, node: String)
    /// `fragments/<owner>`.
    case fragment(owner: String)
}
