import Foundation
import Testing
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// `vigil status` and `/v1/status` for Galera resources (issue 11, "Status"): each node's
/// Galera state, seqno and cluster size, the writer, and who was bootstrapped when.
@Suite("ClusterStatus: Galera")
struct GaleraClusterStatusTests {
    let keyspace = ViewFixtures.keyspace

    func status(_ setup: (inout ViewFixtures.Builder) throws -> Void) throws -> ClusterStatus {
        var b = ViewFixtures.Builder()
        try b.config(ViewFixtures.galeraYAML)
        try setup(&b)
        return ClusterStatus(view: b.view)
    }

    func object(_ status: ClusterStatus) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(status.json.utf8)) as? [String: Any])
    }

    @Test
    func eachNodeWithItsStateSeqnoAndSizeTheWriterAndTheBootstrap() throws {
        let status = try status { b in
            try b.member("n1")
            try b.member("n2")
            try b.member("n4")
            try b.galeraStatus(on: "n1", ViewFixtures.synced(seqno: 120, size: 2))
            try b.galeraStatus(
                on: "n2", GaleraInstanceStatus(state: "Donor", primary: true, synced: false, donor: true, size: 2, seqno: 118, uuid: ViewFixtures.galeraUUID))
            try b.galeraPosition(on: "n3", seqno: 100)
            try b.galeraWriter("n1")
            try b.galeraLastBootstrap(ViewFixtures.bootstrap("n3"))
        }
        let db = try #require(status.galera["db"])
        #expect(db.writer == "n1")
        #expect(db.nodeOrder == ["n1", "n2", "n3"])  // n4 runs no Galera instance of db
        #expect(db.nodes["n1"] == GaleraResourceStatus.Node(state: "Synced", seqno: 120, size: 2, known: nil))
        #expect(db.nodes["n2"] == GaleraResourceStatus.Node(state: "Donor", seqno: 118, size: 2, known: nil))
        #expect(db.nodes["n3"] == GaleraResourceStatus.Node(state: "down", seqno: 100, size: nil, known: true))
        #expect(db.bootstrapped == GaleraResourceStatus.Bootstrap(
            node: "n3", at: "2026-11-25T09:00:00Z", mode: "new-cluster", forced: false, by: "coordinator n1", pending: false))

        let galera = try #require(try object(status)["galera"] as? [String: Any])
        let json = try #require(galera["db"] as? [String: Any])
        #expect(json["writer"] as? String == "n1")
        let bootstrapped = try #require(json["bootstrapped"] as? [String: Any])
        #expect(bootstrapped["node"] as? String == "n3")
        #expect(bootstrapped["at"] as? String == "2026-11-25T09:00:00Z")
        #expect(bootstrapped["mode"] as? String == "new-cluster")
        #expect(bootstrapped["forced"] as? Bool == false)
        #expect(bootstrapped["by"] as? String == "coordinator n1")
        #expect(bootstrapped["pending"] as? Bool == false)
        let nodes = try #require(json["nodes"] as? [String: [String: Any]])
        let n1 = try #require(nodes["n1"])
        let n3 = try #require(nodes["n3"])
        #expect(n1["state"] as? String == "Synced")
        #expect(n1["seqno"] as? Int == 120)
        #expect(n1["size"] as? Int == 2)
        #expect(n1["known"] == nil)
        #expect(n3["state"] as? String == "down")
        #expect(n3["size"] is NSNull)
        #expect(n3["known"] as? Bool == true)
        let expected: String =
            #""galera":{"db":{"bootstrapped":{"at":"2026-11-25T09:00:00Z","by":"coordinator n1","forced":false,"mode":"new-cluster","node":"n3","pending":false},"#
            + #""nodes":{"n1":{"seqno":120,"size":2,"state":"Synced"},"n2":{"seqno":118,"size":2,"state":"Donor"},"#
            + #""n3":{"known":true,"seqno":100,"size":null,"state":"down"}},"writer":"n1"}}"#
        #expect(status.json.contains(expected), "\(status.json)")

        let text = status.text
        #expect(text.contains("Galera:\n  db  writer: n1; bootstrapped: n3 at 2026-11-25T09:00:00Z (new-cluster, by coordinator n1)\n"), "\(text)")
        #expect(text.contains("    n1    Synced        seqno 120  size 2\n"), "\(text)")
        #expect(text.contains("    n2    Donor         seqno 118  size 2\n"), "\(text)")
        #expect(text.hasSuffix("    n3    down          seqno 100 (recovered position)"), "\(text)")
    }

    @Test
    func nodesWithoutARunningInstance() throws {
        let status = try status { b in
            try b.member("n1")
            try b.galeraStatus(on: "n1", nil, state: .stopped)  // its agent runs, the server does not
            try b.galeraPosition(on: "n1", seqno: 90)
            try b.galeraPosition(on: "n2", seqno: 95, running: true)  // crashed while running
            // n3 never published a position
        }
        let db = try #require(status.galera["db"])
        #expect(db.writer == nil)
        #expect(db.bootstrapped == nil)
        #expect(db.nodes["n1"] == GaleraResourceStatus.Node(state: "down", seqno: 90, size: nil, known: true))
        #expect(db.nodes["n2"] == GaleraResourceStatus.Node(state: "down", seqno: 95, size: nil, known: false))
        #expect(db.nodes["n3"] == GaleraResourceStatus.Node(state: "down", seqno: nil, size: nil, known: false))
        let json = try #require((try object(status)["galera"] as? [String: Any])?["db"] as? [String: Any])
        #expect(json["writer"] is NSNull)
        #expect(json["bootstrapped"] is NSNull)
        #expect(status.json.contains("\"n3\":{\"known\":false,\"seqno\":null,\"size\":null,\"state\":\"down\"}"), "\(status.json)")
        let text = status.text
        #expect(text.contains("writer: none; bootstrapped: no record"), "\(text)")
        #expect(text.contains("n2    down          seqno 95? (published before its last start: it may have committed more)"), "\(text)")
        #expect(text.contains("n3    down          (no position published)"), "\(text)")
    }

    @Test
    func startingFailedNonPrimaryAndUnclean() throws {
        let status = try status { b in
            try b.member("n1")
            try b.member("n2")
            try b.galeraStatus(on: "n1", nil, state: .starting)
            try b.galeraStatus(on: "n2", ViewFixtures.nonPrimary(seqno: 80), state: .failed)
            try b.galeraPosition(on: "n3", seqno: 85, running: true)
            // n3 was assigned db in an incarnation that is gone and not known stopped.
            try b.assignment("db", ["n3": AssignmentRecord.Entry(role: .started, member: 5)])
        }
        let db = try #require(status.galera["db"])
        #expect(db.nodes["n1"] == GaleraResourceStatus.Node(state: "starting", seqno: nil, size: nil, known: nil))
        #expect(db.nodes["n2"] == GaleraResourceStatus.Node(state: "failed", seqno: 80, size: 1, known: nil))
        #expect(db.nodes["n3"] == GaleraResourceStatus.Node(state: "unclean", seqno: 85, size: nil, known: false))
        #expect(status.text.contains("n1    starting      (no Galera state reported yet)"), "\(status.text)")
        #expect(status.text.contains("n3    unclean       seqno 85?"), "\(status.text)")
    }

    @Test
    func nonPrimarySurvivorReportsItsState() throws {
        let status = try status { b in
            try b.member("n2")
            try b.galeraStatus(on: "n2", ViewFixtures.nonPrimary(seqno: 130))
        }
        #expect(status.galera["db"]?.nodes["n2"] == GaleraResourceStatus.Node(state: "non-Primary", seqno: 130, size: 1, known: nil))
    }

    @Test
    func theChoiceInForceIsPendingAndWinsOverTheLastCopy() throws {
        let pending = try status { b in
            try b.member("n2")
            try b.galeraLastBootstrap(ViewFixtures.bootstrap("n1", at: "2026-11-20T08:00:00Z"))
            try b.galeraBootstrap(ViewFixtures.bootstrap("n2", at: "2026-11-25T09:00:00Z", forced: true))
        }
        let bootstrapped = try #require(pending.galera["db"]?.bootstrapped)
        #expect(bootstrapped.node == "n2")
        #expect(bootstrapped.forced)
        #expect(bootstrapped.pending)
        let line = "bootstrapped: n2 at 2026-11-25T09:00:00Z (new-cluster, FORCED, by coordinator n1) — pending, no Primary component yet"
        #expect(pending.text.contains(line), "\(pending.text)")
    }

    @Test
    func noGaleraObjectWithoutGaleraResources() throws {
        var b = ViewFixtures.Builder()
        try b.config()
        try b.member("n1")
        let status = ClusterStatus(view: b.view)
        #expect(status.galera.isEmpty)
        #expect(try object(status)["galera"] == nil)
        #expect(!status.text.contains("Galera:"))
    }

    @Test
    func lastBootstrapIsAKeyOfItsOwnThatTheViewKeeps() async throws {
        #expect(keyspace.classify(keyspace.galeraLastBootstrap("db")) == .galeraLastBootstrap(resource: "db"))
        #expect(keyspace.galeraLastBootstrap("db") == "/vigil/t/galera/db/last-bootstrap")
        let store = try MemoryStore(clock: TestClock())
        let record = ViewFixtures.bootstrap("n2")
        let result = try await store.txn(Txn(success: [
            .put(key: keyspace.galeraBootstrap("db"), value: try ViewFixtures.json(record), lease: nil),
            GaleraHistory.lastBootstrapOp(record, resource: "db", in: keyspace),
        ]))
        #expect(result.succeeded)
        var view = ClusterView(keyspace: keyspace, range: try await keyspace.readView(store))
        #expect(view.galeraLastBootstrap["db"]?.record == record)
        #expect(view.galeraLastBootstrap["db"]?.modRevision == view.galeraBootstrap["db"]?.modRevision)
        #expect(view.problems.isEmpty)

        // The coordinator deletes the choice in force once a Primary component exists; the copy stays.
        let deleted = try await store.txn(Txn(success: [.delete(.key(keyspace.galeraBootstrap("db")))]))
        view.apply([WatchEvent(kind: .delete, kv: KeyValue(key: keyspace.galeraBootstrap("db"), value: [], createRevision: 0, modRevision: deleted.revision, version: 0, lease: 0))], revision: deleted.revision)
        #expect(view.galeraBootstrap["db"] == nil)
        #expect(GaleraHistory.latestBootstrap(of: "db", in: view)?.choice == record)
        #expect(GaleraHistory.latestBootstrap(of: "db", in: view)?.inForce == false)
        let reread = ClusterView(keyspace: keyspace, range: try await keyspace.readView(store))
        #expect(reread.galeraLastBootstrap["db"]?.record == record)
        view.apply([WatchEvent(kind: .delete, kv: KeyValue(key: keyspace.galeraLastBootstrap("db"), value: [], createRevision: 0, modRevision: deleted.revision + 1, version: 0, lease: 0))], revision: deleted.revision + 1)
        #expect(view.galeraLastBootstrap["db"] == nil)
    }
}
