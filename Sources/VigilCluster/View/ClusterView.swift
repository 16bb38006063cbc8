import Foundation
public import VigilModel
public import VigilStore

/// Everything an agent knows of the cluster's keys, kept current from one range read and
/// the watch that follows it.
///
/// Values that do not decode are dropped (and reported in ``problems``) rather than
/// guessed at: a view never holds a record it could not read.
public struct ClusterView: Sendable {
    /// A live member: one incarnation of a node's agent.
    public struct Member: Sendable, Hashable {
        /// The create revision of its `members/<node>` key: the incarnation.
        public var incarnation: Int64
        /// Its member lease.
        public var lease: Int64
        /// What it registered.
        public var record: MemberRecord?
    }

    /// A node's watchdog and the incarnation that published it (the record is written with
    /// the member key, so its mod revision is that incarnation).
    public struct PublishedWatchdog: Sendable, Hashable {
        /// The incarnation.
        public var incarnation: Int64
        /// How long after its lease expired the node is certainly reset.
        public var releaseAfter: Duration
    }

    /// An assignment with the revision it was last written at.
    public struct Assignment: Sendable, Hashable {
        /// The record.
        public var record: AssignmentRecord
        /// Its mod revision (0: never written).
        public var modRevision: Int64
    }

    /// The coordinator key.
    public struct Coordinator: Sendable, Hashable {
        /// The coordinator's node.
        public var node: String
        /// Its term (the key's create revision).
        public var term: Int64
    }

    /// The keyspace read.
    public let keyspace: Keyspace
    /// The store revision the view reflects.
    public private(set) var revision: Int64 = 0
    /// The applied configuration's record and its mod revision.
    public private(set) var configRecord: ConfigRecord?
    /// The mod revision of `config` (0: none applied).
    public private(set) var configRevision: Int64 = 0
    /// The applied configuration, decoded (nil when none, or when it does not decode).
    public private(set) var config: ClusterConfig?
    /// The coordinator, if one is elected.
    public private(set) var coordinator: Coordinator?
    /// Node → live member.
    public private(set) var members: [String: Member] = [:]
    /// Resource → assignment.
    public private(set) var assignments: [String: Assignment] = [:]
    /// Node → resource → reported status.
    public private(set) var status: [String: [String: StatusRecord]] = [:]
    /// Resource → node → failcount.
    public private(set) var failcounts: [String: [String: FailcountRecord]] = [:]
    /// Resource → node → mod revision of its failcount key.
    public private(set) var failcountRevisions: [String: [String: Int64]] = [:]
    /// Resource → node → the health a service reported there (live reports only: each
    /// is on a lease of its TTL).
    public private(set) var healthReports: [String: [String: HealthReportRecord]] = [:]
    /// Node → operator settings.
    public private(set) var nodeAdmin: [String: NodeAdminRecord] = [:]
    /// Node → how its last incarnation ended, when known clean.
    public private(set) var nodeDown: [String: NodeDownRecord] = [:]
    /// Node → its watchdog, as published by the incarnation that wrote it.
    public private(set) var nodeWatchdog: [String: PublishedWatchdog] = [:]
    /// Resource → operator overrides.
    public private(set) var resourceAdmin: [String: ResourceAdminRecord] = [:]
    /// Resource → its clone notification cycle (`notify: true` clones).
    public private(set) var notifications: [String: Revisioned<NotificationRecord>] = [:]
    /// A record with the revision it was last written at.
    public struct Revisioned<Record: Sendable & Hashable>: Sendable, Hashable {
        /// The record.
        public var record: Record
        /// Its mod revision.
        public var modRevision: Int64
    }

    /// Galera resource → node → its last known position.
    public private(set) var galeraPositions: [String: [String: Revisioned<GaleraPositionRecord>]] = [:]
    /// Galera resource → the bootstrap choice in force.
    public private(set) var galeraBootstrap: [String: Revisioned<GaleraBootstrapRecord>] = [:]
    /// Galera resource → the latest bootstrap choice, kept after the choice in force is
    /// deleted (`galera/<resource>/last-bootstrap`).
    public private(set) var galeraLastBootstrap: [String: Revisioned<GaleraBootstrapRecord>] = [:]
    /// Galera resource → its writer.
    public private(set) var galeraWriter: [String: Revisioned<GaleraWriterRecord>] = [:]
    /// RabbitMQ resource → node → its node record (the mod revision orders the stops).
    public private(set) var rabbitmqNodes: [String: [String: Revisioned<RabbitMQNodeRecord>]] = [:]
    /// RabbitMQ resource → the boot choice in force.
    public private(set) var rabbitmqBoot: [String: Revisioned<RabbitMQBootRecord>] = [:]
    /// RabbitMQ resource → the node now joining its running cluster.
    public private(set) var rabbitmqJoining: [String: Revisioned<RabbitMQJoinRecord>] = [:]
    /// Node → attribute → its permanent value set at run time (`nodes/<node>/attributes/`).
    public private(set) var permanentAttributes: [String: [String: Revisioned<NodeAttributeRecord>]] = [:]
    /// Node → attribute → its transient value (`nodes/<node>/transient/`, on the node's member
    /// lease: gone when its membership ends).
    public private(set) var transientAttributes: [String: [String: Revisioned<NodeAttributeRecord>]] = [:]
    /// The attributes the scheduler reads with ``config``: those its location rules read,
    /// and `master-<resource>` of each promotable resource (a promotion score an agent set
    /// for another node). A change of another attribute is not a change of the view:
    /// nothing is planned from it.
    public private(set) var plannedAttributes: Set<String> = []
    /// Keys whose values could not be read, with why (latest per key).
    public private(set) var problems: [String: String] = [:]

    /// An empty view of `keyspace`.
    public init(keyspace: Keyspace) {
        self.keyspace = keyspace
    }

    /// A view built from a range read of the whole prefix.
    public init(keyspace: Keyspace, range: RangeResult) {
        self.keyspace = keyspace
        for kv in range.kvs { put(kv) }
        revision = range.revision
    }

    /// Applies watched events; returns whether anything the view holds changed.
    @discardableResult
    public mutating func apply(_ events: [WatchEvent], revision: Int64) -> Bool {
        var changed = false
        for event in events {
            switch event.kind {
            case .put: changed = put(event.kv) || changed
            case .delete: changed = delete(event.kv.key) || changed
            }
        }
        self.revision = max(self.revision, revision)
        return changed
    }

    @discardableResult
    private mutating func put(_ kv: KeyValue) -> Bool {
        guard let kind = keyspace.classify(kv.key) else { return false }
        problems[kv.key] = nil
        switch kind {
        case .config:
            configRevision = kv.modRevision
            guard let record = decode(ConfigRecord.self, kv) else {
                configRecord = nil
                config = nil
                return true
            }
            configRecord = record
            do {
                config = try ConfigDecoder.decode(yaml: record.yaml, file: kv.key)
            } catch {
                config = nil
                problems[kv.key] = "\(error)"
            }
            plannedAttributes = config.map { config in
                config.ruleAttributes.union(config.resources.filter(\.isPromotable).map { "master-" + $0.name })
            } ?? []
        case .coordinator:
            coordinator = Coordinator(node: kv.stringValue, term: kv.createRevision)
        case .member(let node):
            members[node] = Member(
                incarnation: kv.createRevision, lease: kv.lease, record: try? JSONDecoder().decode(MemberRecord.self, from: Data(kv.value)))
        case .assignment(let resource):
            guard let record = decode(AssignmentRecord.self, kv) else {
                assignments[resource] = nil
                return true
            }
            assignments[resource] = Assignment(record: record, modRevision: kv.modRevision)
        case .status(let node, let resource):
            status[node, default: [:]][resource] = decode(StatusRecord.self, kv)
        case .failcount(let resource, let node):
            failcounts[resource, default: [:]][node] = decode(FailcountRecord.self, kv)
            failcountRevisions[resource, default: [:]][node] = kv.modRevision
        case .nodeAdmin(let node):
            nodeAdmin[node] = decode(NodeAdminRecord.self, kv)
        case .nodeDown(let node):
            nodeDown[node] = decode(NodeDownRecord.self, kv)
        case .nodeWatchdog(let node):
            nodeWatchdog[node] = decode(NodeWatchdogRecord.self, kv).map {
                PublishedWatchdog(incarnation: kv.modRevision, releaseAfter: $0.releaseAfter)
            }
        case .resourceAdmin(let resource):
            resourceAdmin[resource] = decode(ResourceAdminRecord.self, kv)
        case .notification(let resource):
            notifications[resource] = decode(NotificationRecord.self, kv).map { Revisioned(record: $0, modRevision: kv.modRevision) }
        case .nodeAttribute(let node, let name, let transient):
            let record = decode(NodeAttributeRecord.self, kv).map { Revisioned(record: $0, modRevision: kv.modRevision) }
            let before = attributes(of: node)[name]
            if transient {
                transientAttributes[node, default: [:]][name] = record
            } else {
                permanentAttributes[node, default: [:]][name] = record
            }
            return plannedAttributes.contains(name) && attributes(of: node)[name] != before
        case .galeraPosition(let resource, let node):
            galeraPositions[resource, default: [:]][node] = decode(GaleraPositionRecord.self, kv).map {
                Revisioned(record: $0, modRevision: kv.modRevision)
            }
        case .galeraBootstrap(let resource):
            galeraBootstrap[resource] = decode(GaleraBootstrapRecord.self, kv).map { Revisioned(record: $0, modRevision: kv.modRevision) }
        case .galeraLastBootstrap(let resource):
            galeraLastBootstrap[resource] = decode(GaleraBootstrapRecord.self, kv).map { Revisioned(record: $0, modRevision: kv.modRevision) }
        case .galeraWriter(let resource):
            galeraWriter[resource] = decode(GaleraWriterRecord.self, kv).map { Revisioned(record: $0, modRevision: kv.modRevision) }
        case .rabbitmqNode(let resource, let node):
            rabbitmqNodes[resource, default: [:]][node] = decode(RabbitMQNodeRecord.self, kv).map {
                Revisioned(record: $0, modRevision: kv.modRevision)
            }
        case .rabbitmqBoot(let resource):
            rabbitmqBoot[resource] = decode(RabbitMQBootRecord.self, kv).map { Revisioned(record: $0, modRevision: kv.modRevision) }
        case .rabbitmqJoining(let resource):
            rabbitmqJoining[resource] = decode(RabbitMQJoinRecord.self, kv).map { Revisioned(record: $0, modRevision: kv.modRevision) }
        case .event:
            return false
        case .healthReport(let resource, let node):
            healthReports[resource, default: [:]][node] = decode(HealthReportRecord.self, kv)
            // Kept for the health endpoints, but nothing is planned from a report: it does
            // not count as a change (a service may report every second).
            return false
        case .fragment:
            // What agents act on is `config`, the fragments merged.
            return false
        }
        return true
    }

    private mutating func delete(_ key: String) -> Bool {
        guard let kind = keyspace.classify(key) else { return false }
        problems[key] = nil
        switch kind {
        case .config:
            configRecord = nil
            config = nil
            configRevision = 0
            plannedAttributes = []
        case .coordinator:
            coordinator = nil
        case .member(let node):
            members[node] = nil
        case .assignment(let resource):
            assignments[resource] = nil
        case .status(let node, let resource):
            status[node]?[resource] = nil
            if status[node]?.isEmpty == true { status[node] = nil }
        case .failcount(let resource, let node):
            failcounts[resource]?[node] = nil
            failcountRevisions[resource]?[node] = nil
        case .nodeAdmin(let node):
            nodeAdmin[node] = nil
        case .nodeDown(let node):
            nodeDown[node] = nil
        case .nodeWatchdog(let node):
            nodeWatchdog[node] = nil
        case .resourceAdmin(let resource):
            resourceAdmin[resource] = nil
        case .notification(let resource):
            notifications[resource] = nil
        case .nodeAttribute(let node, let name, let transient):
            let before = attributes(of: node)[name]
            if transient {
                transientAttributes[node]?[name] = nil
                if transientAttributes[node]?.isEmpty == true { transientAttributes[node] = nil }
            } else {
                permanentAttributes[node]?[name] = nil
                if permanentAttributes[node]?.isEmpty == true { permanentAttributes[node] = nil }
            }
            return plannedAttributes.contains(name) && attributes(of: node)[name] != before
        case .galeraPosition(let resource, let node):
            galeraPositions[resource]?[node] = nil
        case .galeraBootstrap(let resource):
            galeraBootstrap[resource] = nil
        case .galeraLastBootstrap(let resource):
            galeraLastBootstrap[resource] = nil
        case .galeraWriter(let resource):
            galeraWriter[resource] = nil
        case .rabbitmqNode(let resource, let node):
            rabbitmqNodes[resource]?[node] = nil
        case .rabbitmqBoot(let resource):
            rabbitmqBoot[resource] = nil
        case .rabbitmqJoining(let resource):
            rabbitmqJoining[resource] = nil
        case .event:
            return false
        case .healthReport(let resource, let node):
            healthReports[resource]?[node] = nil
            if healthReports[resource]?.isEmpty == true { healthReports[resource] = nil }
            return false
        case .fragment:
            return false
        }
        return true
    }

    private mutating func decode<T: Decodable>(_ type: T.Type, _ kv: KeyValue) -> T? {
        do {
            return try JSONDecoder().decode(type, from: Data(kv.value))
        } catch {
            problems[kv.key] = "not a valid \(T.self): \(error)"
            return nil
        }
    }

    /// The attributes set at run time on `node`: its permanent ones, with its transient ones
    /// in their place where both are set (as Pacemaker's status section overrides its nodes
    /// section). The configured `attributes:` are not included.
    public func attributes(of node: String) -> [String: String] {
        var values = (permanentAttributes[node] ?? [:]).mapValues(\.record.value)
        for (name, entry) in transientAttributes[node] ?? [:] { values[name] = entry.record.value }
        return values
    }

    /// The incarnation of `node`'s live member, if it is a member.
    public func incarnation(of node: String) -> Int64? {
        members[node]?.incarnation
    }

    /// The entry of `resource`'s assignment for `node`, only when it is for the node's live
    /// incarnation.
    public func liveEntry(_ resource: String, on node: String) -> AssignmentRecord.Entry? {
        guard let entry = assignments[resource]?.record.nodes[node], let incarnation = incarnation(of: node),
            entry.member == incarnation
        else { return nil }
        return entry
    }
}
