import Foundation
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// Builds keyspace contents for StateBuilder and ClusterClient tests.
enum ViewFixtures {
    static let keyspace = Keyspace(cluster: "t")

    static let yaml = """
        cluster: {name: t, no-quorum-policy: stop, fencing: self, stickiness: 0}
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - {name: web, agent: "ocf:pacemaker:Dummy"}
          - {name: db, agent: "ocf:pacemaker:Stateful", promotable: {max: 2, promoted-max: 1}}
          - {name: vip, agent: "ocf:pacemaker:Dummy"}
        groups:
          - {name: stack, members: [vip]}
        """

    static func config() throws -> ClusterConfig {
        try ConfigDecoder.decode(yaml: yaml, file: "test.yaml")
    }

    static func json<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array(try encoder.encode(value))
    }

    /// Key-values being built into a view, each at its own revision.
    struct Builder {
        var kvs: [KeyValue] = []
        var revision: Int64 = 1

        mutating func add(_ key: String, _ value: [UInt8], lease: Int64 = 0) {
            revision += 1
            kvs.append(KeyValue(key: key, value: value, createRevision: revision, modRevision: revision, version: 1, lease: lease))
        }

        mutating func config(_ yaml: String = ViewFixtures.yaml) throws {
            add(keyspace.config, try json(ConfigRecord(yaml: yaml, hash: "sha256:x", appliedBy: "t@h", appliedAt: "2026-11-25T10:00:00Z")))
        }

        mutating func member(_ node: String) throws {
            add(keyspace.member(node), try json(MemberRecord(address: node, started: "2026-11-25T10:00:00Z")), lease: 7)
        }

        mutating func status(_ resource: String, on node: String, _ state: ResourceStatusState, score: Int? = nil) throws {
            add(keyspace.status(resource, on: node), try json(StatusRecord(state: state, since: "2026-11-25T10:00:00Z", promotionScore: score)), lease: 7)
        }

        mutating func failcount(_ resource: String, on node: String, _ count: Int, at time: String = "2026-11-25T09:00:00Z") throws {
            add(keyspace.failcount(resource, on: node), try json(FailcountRecord(count: count, lastFailure: time)))
        }

        mutating func nodeAdmin(_ node: String, _ record: NodeAdminRecord) throws {
            add(keyspace.nodeAdmin(node), try json(record))
        }

        mutating func resourceAdmin(_ resource: String, _ record: ResourceAdminRecord) throws {
            add(keyspace.resourceAdmin(resource), try json(record))
        }

        var view: ClusterView {
            ClusterView(keyspace: keyspace, range: RangeResult(kvs: kvs.sorted { $0.key < $1.key }, revision: revision))
        }

        /// Writes every key into `store` (unguarded; test setup only).
        func write(to store: some ClusterStore) async throws {
            for kv in kvs { try await store.put(kv.key, kv.value) }
        }
    }
}
