import Foundation
import Logging
import Testing
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// A resource this host cannot run (here: an OCF agent whose runtime directory cannot be
/// made, so that its executor cannot be built) is reported `failed` with an event saying
/// why, instead of being left out in silence.
@Suite("Unrunnable resources")
struct UnrunnableResourceTests {
    @Test(arguments: ["\"ocf:heartbeat:Dummy\""])
    func aResourceWithoutAnExecutorIsReportedFailedWithAnEvent(kind: String) async throws {
        let clock = TestClock()
        let executor = SimTaskExecutor(seed: 7)
        let store = try MemoryStore(clock: clock, logger: ClusterScenario.quiet)
        let keyspace = Keyspace(cluster: "t")
        let yaml = """
            cluster: {name: t}
            nodes: [{name: n1}]
            resources:
              - {name: db, agent: \(kind), clone: {max: 1}}
              - {name: web, agent: process, params: {command: [/bin/true]}}

            """
        _ = try ConfigDecoder.decode(yaml: yaml, file: "c.yaml")
        let lease = try await store.grantLease(ttl: .seconds(60))
        let record = MemberRecord(address: "127.0.0.1:7950", started: "2026-11-26T00:00:00Z")
        let member = try await store.txn(
            Txn(success: [.put(key: keyspace.member("n1"), value: Array(try JSONEncoder().encode(record)), lease: lease.id)]))
        let config = ConfigRecord(yaml: yaml, hash: "sha256:t", appliedBy: "t@h", appliedAt: "2026-11-26T00:00:00Z")
        _ = try await store.txn(Txn(success: [.put(key: keyspace.config, value: Array(try JSONEncoder().encode(config)), lease: nil)]))
        // A regular file where the runtime directory should be: no OCF shim can be installed.
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-unrunnable-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: runtime, contents: Data("not a directory".utf8))
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        let factory = HostResourceFactory(runtimeDirectory: runtime, logger: ClusterScenario.quiet)
        let reconciler = Reconciler(
            node: "n1", store: store, keyspace: keyspace, factory: factory, clock: clock,
            wallClock: { Timestamp(millisecondsSinceEpoch: 1_780_000_000_000) }, taskExecutor: executor,
            logger: ClusterScenario.quiet)
        let view = ClusterView(keyspace: keyspace, range: try await store.range(.prefix(keyspace.prefix)))
        Task(executorPreference: executor) {
            await reconciler.setIdentity(ReconcilerIdentity(lease: lease.id, incarnation: member.revision))
            await reconciler.update(view: view)
        }
        for _ in 0..<20 {
            executor.runUntilIdle()
            clock.advance(by: .milliseconds(100))
        }
        let status = try #require(try await store.get(keyspace.status("db", on: "n1")), "no status for the \(kind) resource")
        let decoded = try JSONDecoder().decode(StatusRecord.self, from: Data(status.value))
        #expect(decoded.state == .failed)
        #expect(decoded.message?.contains("db:") == true, "\(decoded.message ?? "no message")")
        let events = try await store.range(.prefix(keyspace.events)).kvs.compactMap {
            try? JSONDecoder().decode(EventRecord.self, from: Data($0.value))
        }
        let event = events.first { $0.resource == "db" && $0.kind == "failed" }
        #expect(event?.message.contains("db:") == true, "events: \(events)")
        Task(executorPreference: executor) { await reconciler.shutdown() }
        executor.runUntilIdle()
    }
}
