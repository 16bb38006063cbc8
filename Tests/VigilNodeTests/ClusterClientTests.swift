import Foundation
import Testing
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// A store that, before its first `n` transactions, runs `interfere` (another writer
/// getting in between a client's read and its write).
actor InterferingStore: ClusterStore {
    let inner: MemoryStore
    var remaining: Int
    let interfere: @Sendable (MemoryStore) async throws -> Void

    init(_ inner: MemoryStore, times: Int, _ interfere: @escaping @Sendable (MemoryStore) async throws -> Void) {
        self.inner = inner
        self.remaining = times
        self.interfere = interfere
    }

    func range(_ range: KeyRange) async throws -> RangeResult { try await inner.range(range) }
    func txn(_ txn: Txn) async throws -> TxnResult {
        if remaining > 0 {
            remaining -= 1
            try await interfere(inner)
        }
        return try await inner.txn(txn)
    }
    func grantLease(ttl: Duration) async throws -> Lease { try await inner.grantLease(ttl: ttl) }
    func keepAlive(_ lease: Int64) async throws -> KeepAliveResult { try await inner.keepAlive(lease) }
    func revokeLease(_ lease: Int64) async throws { try await inner.revokeLease(lease) }
    func timeToLive(_ lease: Int64) async throws -> LeaseInfo? { try await inner.timeToLive(lease) }
    nonisolated func watch(prefix: String, fromRevision: Int64) -> WatchStream {
        inner.watch(prefix: prefix, fromRevision: fromRevision)
    }
    func compact(_ revision: Int64) async throws { try await inner.compact(revision) }
}

@Suite("ClusterClient (MemoryStore)")
struct ClusterClientTests {
    let keyspace = ViewFixtures.keyspace
    let now = "2026-11-25T10:00:00Z"

    func client(_ store: any ClusterStore) -> ClusterClient {
        ClusterClient(store: store, keyspace: keyspace, actor: "tester@host")
    }

    /// A store with the fixture configuration applied and `setup` written.
    func configured(_ setup: (inout ViewFixtures.Builder) throws -> Void = { _ in }) async throws -> MemoryStore {
        let store = try MemoryStore(clock: TestClock())
        _ = try await client(store).applyConfig(yaml: ViewFixtures.yaml, file: "c.yaml", appliedBy: "t", now: now, dryRun: false)
        var builder = ViewFixtures.Builder()
        try setup(&builder)
        try await builder.write(to: store)
        return store
    }

    func keys(_ store: MemoryStore, under prefix: String) async throws -> [String] {
        try await store.range(prefix: prefix).kvs.map(\.key)
    }

    func decode<T: Decodable>(_ type: T.Type, _ store: MemoryStore, _ key: String) async throws -> T? {
        guard let kv = try await store.get(key) else { return nil }
        return try JSONDecoder().decode(type, from: Data(kv.value))
    }

    func expectCode(_ code: VigilClusterError.Code, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code), nothing thrown")
        } catch let error as VigilClusterError {
            #expect(error.code == code, "\(error)")
        } catch {
            Issue.record("expected VigilClusterError \(code), got \(error)")
        }
    }

    // MARK: config

    @Test
    func hashIsSHA256() {
        #expect(ClusterClient.hash("abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test
    func invalidConfigurationThrowsWithPositionAndWritesNothing() async throws {
        let store = try MemoryStore(clock: TestClock())
        let bad = ViewFixtures.yaml.replacingOccurrences(of: "agent: \"ocf:pacemaker:Dummy\"}", with: "agnet: \"ocf:pacemaker:Dummy\"}")
        do {
            _ = try await client(store).applyConfig(yaml: bad, file: "bad.yaml", appliedBy: "t", now: now, dryRun: false)
            Issue.record("an invalid configuration was accepted")
        } catch let error as VigilModelError {
            #expect(error.diagnostics.contains { $0.file == "bad.yaml" && $0.line == 4 })
        }
        #expect(try await store.range(prefix: "/").kvs.isEmpty)
    }

    @Test
    func dryRunPlansAndWritesNothing() async throws {
        let store = try MemoryStore(clock: TestClock())
        var b = ViewFixtures.Builder()
        try b.member("n1")
        try b.member("n2")
        try await b.write(to: store)
        let before = try await store.range(prefix: "/")
        let result = try await client(store).applyConfig(yaml: ViewFixtures.yaml, file: "c.yaml", appliedBy: "t", now: now, dryRun: true)
        #expect(result.revision == nil)
        #expect(result.previousHash == nil)
        let starts = result.transition.actions.filter { $0.kind == .start }.compactMap(\.resource)
        #expect(Set(starts) == ["web", "db", "vip"])
        #expect(try await store.range(prefix: "/").kvs == before.kvs)
    }

    @Test
    func applyWritesTheRecordAndAnEventInOneRevision() async throws {
        let store = try MemoryStore(clock: TestClock())
        let result = try await client(store).applyConfig(yaml: ViewFixtures.yaml, file: "c.yaml", appliedBy: "me@h", now: now, dryRun: false)
        let record = try #require(try await client(store).showConfig())
        #expect(record == ConfigRecord(yaml: ViewFixtures.yaml, hash: ClusterClient.hash(ViewFixtures.yaml), appliedBy: "me@h", appliedAt: now))
        #expect(result.hash == record.hash)
        let config = try #require(try await store.get(keyspace.config))
        #expect(config.modRevision == result.revision)
        let events = try await store.range(prefix: keyspace.events).kvs
        #expect(events.count == 1)
        #expect(events.first?.modRevision == result.revision)
        #expect(events.first?.key.hasSuffix("-cli") == true)
        let again = try await client(store).applyConfig(yaml: ViewFixtures.yaml, file: "c.yaml", appliedBy: "me@h", now: now, dryRun: false)
        #expect(again.unchanged)
    }

    @Test
    func applyFailsWhenAnotherApplyGotInBetween() async throws {
        let memory = try MemoryStore(clock: TestClock())
        let keyspace = self.keyspace
        let store = InterferingStore(memory, times: 1) { inner in
            try await inner.put(keyspace.config, Array("{\"yaml\":\"x\",\"hash\":\"h\",\"applied-by\":\"o\",\"applied-at\":\"t\"}".utf8))
        }
        await expectCode(.conflict) {
            _ = try await client(store).applyConfig(yaml: ViewFixtures.yaml, file: "c.yaml", appliedBy: "t", now: now, dryRun: false)
        }
        #expect(try await memory.get(keyspace.config)?.stringValue.contains("\"x\"") == true)
        #expect(try await memory.range(prefix: keyspace.events).kvs.isEmpty)
    }

    @Test
    func showConfigIsNilWhenNoneApplied() async throws {
        #expect(try await client(try MemoryStore(clock: TestClock())).showConfig() == nil)
    }

    // MARK: nodes

    @Test
    func standbyOnlineAndMaintenance() async throws {
        let store = try await configured()
        let c = client(store)
        try await c.setNode("n2", standby: true)
        #expect(try await decode(NodeAdminRecord.self, store, keyspace.nodeAdmin("n2")) == NodeAdminRecord(standby: true))
        try await c.setNode("n2", maintenance: true)
        #expect(try await decode(NodeAdminRecord.self, store, keyspace.nodeAdmin("n2")) == NodeAdminRecord(standby: true, maintenance: true))
        #expect(try await c.status().nodes["n2"] == ClusterStatus.Node(online: false, standby: true, maintenance: true))
        try await c.setNode("n2", standby: false, maintenance: false)
        #expect(try await store.get(keyspace.nodeAdmin("n2")) == nil)
        let kinds = try await c.events(limit: nil).map(\.kind)
        #expect(kinds == ["config-applied", "node-admin", "node-admin", "node-admin"])
        // No change: no write, no event.
        try await c.setNode("n2", standby: false)
        #expect(try await c.events(limit: nil).count == 4)
    }

    @Test
    func unknownNodeOrNoConfiguration() async throws {
        let store = try await configured()
        await expectCode(.notFound) { try await client(store).setNode("n9", standby: true) }
        await expectCode(.noConfiguration) { try await client(try MemoryStore(clock: TestClock())).setNode("n1", standby: true) }
    }

    @Test
    func aLostCompareIsRetried() async throws {
        let memory = try await configured()
        let keyspace = self.keyspace
        let store = InterferingStore(memory, times: 2) { inner in
            try await inner.put(keyspace.nodeAdmin("n1"), Array("{\"standby\":false,\"maintenance\":true}".utf8))
        }
        try await client(store).setNode("n1", standby: true)
        #expect(try await decode(NodeAdminRecord.self, memory, keyspace.nodeAdmin("n1")) == NodeAdminRecord(standby: true, maintenance: true))
    }

    @Test
    func aCompareLostEveryTimeIsAConflict() async throws {
        let memory = try await configured()
        let keyspace = self.keyspace
        let store = InterferingStore(memory, times: 100) { inner in
            try await inner.put(keyspace.nodeAdmin("n1"), Array("{\"standby\":false,\"maintenance\":true}".utf8))
        }
        await expectCode(.conflict) { try await client(store).setNode("n1", standby: true) }
    }

    // MARK: resources

    @Test
    func moveBanAndClear() async throws {
        let store = try await configured { b in
            try b.member("n1")
            try b.status("web", on: "n1", .started)
        }
        let c = client(store)
        let key = keyspace.resourceAdmin("web")
        #expect(try await c.ban("web", from: nil) == ResourceAdminRecord(bans: ["n1"]))
        #expect(try await c.ban("web", from: "n3") == ResourceAdminRecord(bans: ["n1", "n3"]))
        #expect(try await c.move("web", to: "n3") == ResourceAdminRecord(prefer: "n3", bans: ["n1"]))
        #expect(try await decode(ResourceAdminRecord.self, store, key) == ResourceAdminRecord(prefer: "n3", bans: ["n1"]))
        #expect(try await c.clear("web") == ResourceAdminRecord())
        #expect(try await store.get(key) == nil)
        #expect(try await c.move("web", to: nil) == ResourceAdminRecord(bans: ["n1"]))
        await expectCode(.invalidArgument) { _ = try await c.move("vip", to: nil) }
        await expectCode(.notFound) { _ = try await c.move("nope", to: "n1") }
        await expectCode(.notFound) { _ = try await c.ban("web", from: "n9") }
        let events = try await c.events(limit: 3)
        #expect(events.map(\.kind) == ["resource-move", "resource-clear", "resource-move"])
        #expect(events.allSatisfy { $0.resource == "web" && $0.message.contains("tester@host") })
    }

    @Test
    func clearKeepsARestartHold() async throws {
        let store = try await configured { b in try b.resourceAdmin("web", ResourceAdminRecord(prefer: "n1", stopped: true)) }
        #expect(try await client(store).clear("web") == ResourceAdminRecord(stopped: true))
        #expect(try await decode(ResourceAdminRecord.self, store, keyspace.resourceAdmin("web")) == ResourceAdminRecord(stopped: true))
    }

    @Test
    func cleanupDeletesFailcounts() async throws {
        let store = try await configured { b in
            try b.failcount("web", on: "n1", 2)
            try b.failcount("web", on: "n2", 1)
            try b.failcount("db", on: "n1", 1)
        }
        let c = client(store)
        #expect(try await c.status().failcounts == ["web": ["n1": 2, "n2": 1], "db": ["n1": 1]])
        #expect(try await c.cleanup("web", node: "n2") == 1)
        #expect(try await keys(store, under: keyspace.failcounts) == [keyspace.failcount("db", on: "n1"), keyspace.failcount("web", on: "n1")])
        #expect(try await c.cleanup("web", node: nil) == 1)
        #expect(try await c.cleanup("web", node: nil) == 0)
        #expect(try await keys(store, under: keyspace.failcounts) == [keyspace.failcount("db", on: "n1")])
        await expectCode(.notFound) { _ = try await c.cleanup("web", node: "n7") }
    }

    @Test
    func restartHoldsStoppedUntilNothingRunsThenReleases() async throws {
        let store = try await configured { b in
            try b.member("n1")
            try b.status("web", on: "n1", .started)
        }
        let c = client(store)
        let keyspace = self.keyspace
        let restart = Task { try await c.restart("web", timeout: .seconds(30)) }
        try await eventually("the stop hold") {
            guard let kv = try await store.get(keyspace.resourceAdmin("web")) else { return false }
            return try JSONDecoder().decode(ResourceAdminRecord.self, from: Data(kv.value)).stopped
        }
        try await store.put(keyspace.status("web", on: "n1"), Array("{\"state\":\"stopped\",\"since\":\"x\"}".utf8))
        try await withDeadline(.seconds(30), "restart") { try await restart.value }
        #expect(try await store.get(keyspace.resourceAdmin("web")) == nil)
        #expect(try await c.events(limit: 2).map(\.kind) == ["resource-stop", "resource-start"])
    }

    @Test
    func restartTimesOutAndLiftsTheHold() async throws {
        let store = try await configured { b in
            try b.member("n1")
            try b.status("web", on: "n1", .started)
        }
        let c = ClusterClient(store: store, keyspace: keyspace, actor: "t", clock: ContinuousClock())
        await expectCode(.timeout) { try await c.restart("web", timeout: .milliseconds(200)) }
        #expect(try await store.get(keyspace.resourceAdmin("web")) == nil)
    }

    // MARK: status and events

    @Test
    func statusFollowsTheContract() async throws {
        let store = try await configured { b in
            try b.member("n1")
            try b.member("n2")
            try b.status("web", on: "n1", .started)
            try b.status("db", on: "n1", .promoted)
            try b.status("db", on: "n2", .starting)
            try b.status("web", on: "n3", .started)  // not a member: stale, left out
        }
        let status = try await client(store).status()
        #expect(status.coordinator == nil)
        #expect(status.nodes.keys.sorted() == ["n1", "n2", "n3"])
        #expect(status.nodes["n3"]?.online == false)
        #expect(status.resources == ["web": ["n1": .started], "db": ["n1": .promoted, "n2": .starting], "vip": [:]])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.json.utf8)) as? [String: Any])
        #expect(object["coordinator"] is NSNull)
        #expect(object["quorum"] as? Bool == true)
        #expect((object["resources"] as? [String: Any])?["vip"] as? [String: String] == [:])
        #expect(status.json.hasPrefix("{\"coordinator\":null,\"failcounts\":{},\"nodes\":{\"n1\":{\"maintenance\":false,\"online\":true,\"standby\":false,\"unclean\":false}"))
        #expect(status.text.contains("db        n1: promoted, n2: starting"))
        try await store.put(keyspace.coordinator, "n2")
        #expect(try await client(store).status().coordinator == "n2")
    }

    /// crm_mon's level (issue 16): a summary line, the failed actions with their time and
    /// reason, colour only when asked for (the CLI asks on a terminal without NO_COLOR).
    @Test
    func statusSummarisesAndListsFailedActions() async throws {
        let store = try await configured { b in
            try b.member("n1")
            try b.member("n2")
            try b.status("web", on: "n1", .started)
            try b.status("db", on: "n1", .promoted)
            b.add(
                ViewFixtures.keyspace.status("db", on: "n2"),
                Array(try JSONEncoder().encode(StatusRecord(state: .failed, since: "2026-12-07T10:02:11Z", message: "monitor: notRunning (7) gone\nmore"))),
                lease: 7)
        }
        let status = try await client(store).status()
        #expect(status.summary == "3 nodes, 2 online; 3 resources: 2 running, 1 failed, 0 unmanaged, 1 stopped", "\(status.summary)")
        #expect(status.failures == [ClusterStatus.Failure(resource: "db", node: "n2", since: "2026-12-07T10:02:11Z", message: "monitor: notRunning (7) gone\nmore")])
        #expect(status.text.hasPrefix(status.summary + "\nCoordinator: none"))
        #expect(status.text.contains("Failed actions:\n  db on n2 since 2026-12-07T10:02:11Z: monitor: notRunning (7) gone"), "\(status.text)")
        #expect(!status.text.contains("\u{1B}["), "no colour unless asked for")
        #expect(status.text(color: true).contains("\u{1B}[1;31mfailed\u{1B}[0m"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.json.utf8)) as? [String: Any])
        let failures = try #require(object["failures"] as? [[String: String]])
        #expect(failures == [["resource": "db", "node": "n2", "since": "2026-12-07T10:02:11Z", "message": "monitor: notRunning (7) gone\nmore"]])
    }

    @Test
    func eventsAreOldestFirstAndLimited() async throws {
        let store = try await configured()
        let c = client(store)
        try await c.setNode("n1", standby: true)
        try await c.setNode("n1", standby: false)
        #expect(try await c.events(limit: nil).count == 3)
        let last = try await c.events(limit: 1)
        #expect(last.count == 1)
        #expect(last.first?.message.hasPrefix("node n1: online") == true)
    }

    @Test
    func watchStatusSeesChanges() async throws {
        let store = try await configured()
        let c = client(store)
        let calls = try await withDeadline(.seconds(30), "watch") {
            var calls = 0
            try await c.watchStatus { status in
                calls += 1
                if calls == 1 {
                    #expect(status.nodes["n1"]?.standby == false)
                    try await c.setNode("n1", standby: true)
                    return true
                }
                return status.nodes["n1"]?.standby != true
            }
            return calls
        }
        #expect(calls == 2)
    }
}
