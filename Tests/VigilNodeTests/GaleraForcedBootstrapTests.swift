import Foundation
import Testing
import VigilAgents
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// `ClusterClient.forceGaleraBootstrap` (`vigil galera bootstrap NODE --force`) against the
/// in-memory store: every refusal writes nothing; the override is one transaction that the
/// start rule honours.
@Suite("ClusterClient: forced Galera bootstrap")
struct GaleraForcedBootstrapTests {
    let keyspace = ViewFixtures.keyspace
    let now = "2026-11-25T10:00:00Z"
    static let date = Date(timeIntervalSince1970: 1_795_000_000)

    func client(_ store: any ClusterStore) -> ClusterClient {
        ClusterClient(store: store, keyspace: keyspace, actor: "alice@ctl1", wallClock: { Self.date })
    }

    /// A store with the Galera configuration applied and `setup` written.
    func configured(yaml: String = ViewFixtures.galeraYAML, _ setup: (inout ViewFixtures.Builder) throws -> Void = { _ in }) async throws -> MemoryStore {
        let store = try MemoryStore(clock: TestClock())
        // Its event is at the time now: the client under test writes its own at a fixed time.
        _ = try await ClusterClient(store: store, keyspace: keyspace, actor: "t@h")
            .applyConfig(yaml: yaml, file: "c.yaml", appliedBy: "t", now: now, dryRun: false)
        var builder = ViewFixtures.Builder()
        try setup(&builder)
        try await builder.write(to: store)
        return store
    }

    /// The cluster after a total loss: n2 and n3's agents run, their servers are stopped at
    /// known positions; n1, the most advanced, is gone.
    func lostMostAdvanced(_ b: inout ViewFixtures.Builder) throws {
        try b.member("n2")
        try b.member("n3")
        try b.galeraStatus(on: "n2", nil, state: .stopped)
        try b.galeraStatus(on: "n3", nil, state: .stopped)
        try b.galeraPosition(on: "n1", seqno: 130)
        try b.galeraPosition(on: "n2", seqno: 120)
        try b.galeraPosition(on: "n3", seqno: 118)
    }

    func everything(_ store: MemoryStore) async throws -> [KeyValue] {
        try await store.range(prefix: keyspace.prefix).kvs
    }

    /// `body` throws `code` with a message containing `text`, and nothing is written.
    func expectRefusal(_ code: VigilClusterError.Code, _ text: String, _ store: MemoryStore, _ body: () async throws -> Void) async throws {
        let before = try await everything(store)
        do {
            try await body()
            Issue.record("expected \(code), nothing thrown")
        } catch let error as VigilClusterError {
            #expect(error.code == code, "\(error)")
            #expect(error.message.contains(text), "\(error.message)")
        }
        #expect(try await everything(store) == before)
    }

    @Test
    func writesTheForcedChoiceItsCopyAndAnEventInOneTransaction() async throws {
        let store = try await configured(lostMostAdvanced)
        let result = try await client(store).forceGaleraBootstrap("n2", reason: "n1's disks\n  are gone   (ticket 42)")
        let expected = GaleraBootstrapRecord(
            node: "n2", mode: .newCluster, uuid: ViewFixtures.galeraUUID, seqno: 120, at: "2026-11-18T11:06:40.000Z",
            reason: "n1's disks are gone (ticket 42)", forced: true, by: "alice@ctl1 (vigil galera bootstrap --force)")
        #expect(result.resource == "db")
        #expect(result.record == expected)
        #expect(result.positionKnown)
        #expect(result.nodes["n1"] == GaleraResourceStatus.Node(state: "down", seqno: 130, size: nil, known: true))

        let bootstrap = try #require(try await store.get(keyspace.galeraBootstrap("db")))
        let last = try #require(try await store.get(keyspace.galeraLastBootstrap("db")))
        #expect(try JSONDecoder().decode(GaleraBootstrapRecord.self, from: Data(bootstrap.value)) == expected)
        #expect(try JSONDecoder().decode(GaleraBootstrapRecord.self, from: Data(last.value)) == expected)
        #expect(bootstrap.modRevision == result.revision)
        #expect(last.modRevision == result.revision)

        let events = try await client(store).events(limit: nil).filter { $0.kind == "galera-bootstrap-forced" }
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.time == "2026-11-18T11:06:40.000Z")
        #expect(event.node == "n2")
        #expect(event.resource == "db")
        #expect(event.message.contains("n2 forced to bootstrap db as a new cluster from \(ViewFixtures.galeraUUID):120"), "\(event.message)")
        #expect(event.message.contains("(others: n1 down at seqno 130, n3 down at seqno 118)"), "\(event.message)")
        #expect(event.message.contains("reason: n1's disks are gone (ticket 42) (by alice@ctl1)"), "\(event.message)")
        let eventKV = try #require(try await store.range(prefix: keyspace.events).kvs.first {
            String(decoding: $0.value, as: UTF8.self).contains(#""kind":"galera-bootstrap-forced""#)
        })
        #expect(eventKV.modRevision == result.revision)

        // The agent on n2 may now start it with --wsrep-new-cluster, even from another position.
        let view = try await client(store).view()
        let decision = GaleraStartRule.decide(
            resource: "db", node: "n2", position: GaleraPosition(uuid: ViewFixtures.galeraUUID, seqno: 121), view: view)
        #expect(decision == .bootstrap(GaleraPosition(uuid: ViewFixtures.galeraUUID, seqno: 121), revision: result.revision))
        #expect(GaleraStartRule.decide(resource: "db", node: "n3", position: GaleraPosition(uuid: ViewFixtures.galeraUUID, seqno: 118), view: view)
            == .wait("waiting for n2 to bootstrap (n1's disks are gone (ticket 42))"))
        // ... and status shows it, pending.
        let shown = try #require(try await client(store).status().galera["db"]?.bootstrapped)
        #expect(shown == GaleraResourceStatus.Bootstrap(
            node: "n2", at: "2026-11-18T11:06:40.000Z", mode: "new-cluster", forced: true,
            by: "alice@ctl1 (vigil galera bootstrap --force)", pending: true))
    }

    @Test
    func aNodeWithoutAPositionBootstrapsFromZeros() async throws {
        let store = try await configured { b in
            try b.member("n3")
            try b.galeraStatus(on: "n3", nil, state: .stopped)
        }
        let result = try await client(store).forceGaleraBootstrap("n3", resource: "db")
        #expect(result.record.uuid == GaleraPosition.zeroUUID)
        #expect(result.record.seqno == -1)
        #expect(result.record.reason == "operator override (no reason given)")
        #expect(!result.positionKnown)
        let event = try #require(try await client(store).events(limit: nil).first { $0.kind == "galera-bootstrap-forced" })
        #expect(event.message.contains("(not known to be its position now)"), "\(event.message)")
    }

    @Test
    func aPositionPublishedBeforeACrashIsUsedButNotKnown() async throws {
        let store = try await configured { b in
            try b.member("n2")
            try b.galeraPosition(on: "n2", seqno: 77, running: true)
        }
        let result = try await client(store).forceGaleraBootstrap("n2")
        #expect(result.record.seqno == 77)
        #expect(!result.positionKnown)
    }

    @Test
    func refusedForANodeThatIsNotOneOfTheResources() async throws {
        let store = try await configured(lostMostAdvanced)
        try await expectRefusal(.notFound, "no node named n9", store) { try await client(store).forceGaleraBootstrap("n9") }
        try await expectRefusal(.notFound, "n4 is not a node of galera resource db (its nodes: n1, n2, n3)", store) {
            try await client(store).forceGaleraBootstrap("n4")
        }
    }

    @Test
    func refusedWhileAPrimaryComponentRuns() async throws {
        let store = try await configured { b in
            try lostMostAdvanced(&b)
            try b.member("n1")
            try b.galeraStatus(on: "n1", ViewFixtures.synced(seqno: 131, size: 1))
        }
        try await expectRefusal(.conflict, "a Primary component of db runs (n1: Synced)", store) {
            try await client(store).forceGaleraBootstrap("n2", reason: "x")
        }
    }

    @Test
    func refusedWhileTheNodeRunsTheResource() async throws {
        let store = try await configured { b in
            try b.member("n2")
            try b.galeraStatus(on: "n2", ViewFixtures.nonPrimary(seqno: 120))
        }
        try await expectRefusal(.conflict, "n2 runs db (non-Primary)", store) { try await client(store).forceGaleraBootstrap("n2") }
        let starting = try await configured { b in
            try b.member("n2")
            try b.galeraStatus(on: "n2", nil, state: .starting)
        }
        try await expectRefusal(.conflict, "n2 runs db (starting)", starting) { try await client(starting).forceGaleraBootstrap("n2") }
    }

    @Test
    func refusedWhileTheNodesAgentIsNotRunning() async throws {
        let store = try await configured(lostMostAdvanced)
        try await expectRefusal(.conflict, "n1's agent is not running", store) { try await client(store).forceGaleraBootstrap("n1") }
    }

    @Test
    func theResourceMustBeNamedWhenThereAreSeveral() async throws {
        let yaml = ViewFixtures.galeraYAML.replacingOccurrences(of: "constraints:\n", with: """
              - name: db2
                agent: galera
                clone: {max: 2}
                node-params:
                  n1: {config: /srv/n1/other.cnf}
                  n2: {config: /srv/n2/other.cnf}
            constraints:
              - location: {resource: db2, node: n3, score: -INFINITY}
              - location: {resource: db2, node: n4, score: -INFINITY}

            """)
        let store = try await configured(yaml: yaml, lostMostAdvanced)
        try await expectRefusal(.invalidArgument, "several galera resources (db, db2): name one with --resource", store) {
            try await client(store).forceGaleraBootstrap("n2")
        }
        try await expectRefusal(.invalidArgument, "web is not a galera resource (agent: ocf:pacemaker:Dummy)", store) {
            try await client(store).forceGaleraBootstrap("n2", resource: "web")
        }
        try await expectRefusal(.notFound, "no resource named nope", store) {
            try await client(store).forceGaleraBootstrap("n2", resource: "nope")
        }
        #expect(try await client(store).forceGaleraBootstrap("n2", resource: "db2").resource == "db2")
    }

    @Test
    func refusedWithoutGaleraOrConfiguration() async throws {
        let plain = try MemoryStore(clock: TestClock())
        try await expectRefusal(.noConfiguration, "no configuration", plain) { try await client(plain).forceGaleraBootstrap("n1") }
        _ = try await ClusterClient(store: plain, keyspace: keyspace, actor: "t@h").applyConfig(yaml: ViewFixtures.yaml, file: "c.yaml", appliedBy: "t", now: now, dryRun: false)
        try await expectRefusal(.notFound, "no galera resource", plain) { try await client(plain).forceGaleraBootstrap("n1") }
    }

    @Test
    func refusedWhenTheReasonIsTooLong() async throws {
        let store = try await configured(lostMostAdvanced)
        try await expectRefusal(.invalidArgument, "at most 1000", store) {
            try await client(store).forceGaleraBootstrap("n2", reason: String(repeating: "x", count: 1001))
        }
    }

    @Test
    func aPrimaryThatFormsBetweenTheReadAndTheWriteIsSeenAndNothingIsWritten() async throws {
        let inner = try await configured(lostMostAdvanced)
        let keyspace = self.keyspace
        // n3 becomes Primary (pc.bootstrap by someone else) just before the first write.
        let store = InterferingStore(inner, times: 1) { store in
            try await store.put(
                keyspace.status("db", on: "n3"),
                try ViewFixtures.json(StatusRecord(state: .started, since: "2026-11-25T10:00:01Z", galera: ViewFixtures.synced(seqno: 118, size: 1))))
        }
        let before = try await everything(inner)
        do {
            try await client(store).forceGaleraBootstrap("n2")
            Issue.record("a forced bootstrap was written while a Primary component ran")
        } catch let error as VigilClusterError {
            #expect(error.code == .conflict)
            #expect(error.message.contains("a Primary component of db runs (n3: Synced)"), "\(error.message)")
        }
        let after = try await everything(inner)
        #expect(after.filter { $0.key != keyspace.status("db", on: "n3") } == before.filter { $0.key != keyspace.status("db", on: "n3") })
    }
}
