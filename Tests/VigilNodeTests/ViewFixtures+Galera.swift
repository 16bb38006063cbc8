import Foundation
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// Galera keys for ``ViewFixtures`` builders: a configuration with one Galera clone on three
/// of four nodes (n4 is banned from it), and the records its agents and coordinator write.
extension ViewFixtures {
    static let galeraYAML = """
        cluster: {name: t, no-quorum-policy: stop, fencing: self, stickiness: 0}
        nodes: [{name: n1}, {name: n2}, {name: n3}, {name: n4}]
        resources:
          - {name: web, agent: "ocf:pacemaker:Dummy"}
          - name: db
            agent: galera
            clone: {max: 3}
            params: {monitor-user: monitor, password-file: /etc/vigil/db.pass}
            node-params:
              n1: {config: /srv/n1/my.cnf}
              n2: {config: /srv/n2/my.cnf}
              n3: {config: /srv/n3/my.cnf}
        constraints:
          - location: {resource: db, node: n4, score: -INFINITY}
        """

    static let galeraUUID = "6b1b3a42-0000-11f0-9a3c-0242ac120002"

    static func synced(seqno: Int64 = 120, size: Int = 3) -> GaleraInstanceStatus {
        GaleraInstanceStatus(state: "Synced", primary: true, synced: true, donor: false, size: size, seqno: seqno, uuid: galeraUUID)
    }

    static func nonPrimary(seqno: Int64 = 120) -> GaleraInstanceStatus {
        GaleraInstanceStatus(state: "non-Primary", primary: false, synced: false, donor: false, size: 1, seqno: seqno, uuid: galeraUUID)
    }

    static func bootstrap(_ node: String, at: String = "2026-11-25T09:00:00Z", forced: Bool = false) -> GaleraBootstrapRecord {
        GaleraBootstrapRecord(
            node: node, mode: .newCluster, uuid: galeraUUID, seqno: 100, at: at, reason: "most advanced: \(node)=100", forced: forced,
            by: "coordinator n1")
    }
}

extension ViewFixtures.Builder {
    mutating func galeraStatus(on node: String, _ galera: GaleraInstanceStatus?, state: ResourceStatusState = .started, resource: String = "db") throws {
        add(
            ViewFixtures.keyspace.status(resource, on: node),
            try ViewFixtures.json(StatusRecord(state: state, since: "2026-11-25T10:00:00Z", galera: galera)), lease: 7)
    }

    mutating func galeraPosition(on node: String, seqno: Int64, running: Bool = false, bootstrapRevision: Int64? = nil, resource: String = "db") throws {
        add(
            ViewFixtures.keyspace.galeraPosition(resource, on: node),
            try ViewFixtures.json(GaleraPositionRecord(
                uuid: ViewFixtures.galeraUUID, seqno: seqno, safeToBootstrap: false, empty: false, running: running,
                since: "2026-11-25T09:00:00Z", bootstrapRevision: bootstrapRevision)))
    }

    mutating func galeraBootstrap(_ record: GaleraBootstrapRecord, resource: String = "db") throws {
        add(ViewFixtures.keyspace.galeraBootstrap(resource), try ViewFixtures.json(record))
    }

    mutating func galeraLastBootstrap(_ record: GaleraBootstrapRecord, resource: String = "db") throws {
        add(ViewFixtures.keyspace.galeraLastBootstrap(resource), try ViewFixtures.json(record))
    }

    mutating func galeraWriter(_ node: String, resource: String = "db") throws {
        add(ViewFixtures.keyspace.galeraWriter(resource), try ViewFixtures.json(GaleraWriterRecord(node: node, since: "2026-11-25T09:30:00Z")))
    }

    mutating func assignment(_ resource: String, _ nodes: [String: AssignmentRecord.Entry], term: Int64 = 1) throws {
        add(ViewFixtures.keyspace.assignment(resource), try ViewFixtures.json(AssignmentRecord(term: term, nodes: nodes)))
    }
}
