import Foundation
import Testing
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// Once its probes are done the reconciler marks its member ready — once. `evaluate` runs
/// again on every probe result while the ready write awaits; each extra write of the member
/// key wakes every agent's watch and the coordinator (16 agents with 50 resources each
/// wrote it ~800 times and converged seconds later than they had to).
@Suite("Reconciler readiness")
struct ReconcilerReadyTests {
    @Test(arguments: 1...30 as ClosedRange<UInt64>)
    func theMemberIsMarkedReadyExactlyOnce(seed: UInt64) async throws {
        let clock = TestClock()
        let executor = SimTaskExecutor(seed: seed)
        let store = try MemoryStore(clock: clock, logger: ClusterScenario.quiet)
        let ledger = SimLedger(exclusive: [], seed: seed) { clock.now.offset }
        let keyspace = Keyspace(cluster: "t")
        let resources = (0..<20).map { "  - {name: r\($0), agent: process, params: {command: [/bin/true]}}" }
        let yaml = "cluster: {name: t}\nnodes: [{name: n1}]\nresources:\n" + resources.joined(separator: "\n") + "\n"
        let lease = try await store.grantLease(ttl: .seconds(60))
        let record = MemberRecord(address: "127.0.0.1:7950", started: "2026-11-26T00:00:00Z")
        let member = try await store.txn(
            Txn(success: [.put(key: keyspace.member("n1"), value: Array(try JSONEncoder().encode(record)), lease: lease.id)]))
        let config = ConfigRecord(yaml: yaml, hash: "sha256:t", appliedBy: "t@h", appliedAt: "2026-11-26T00:00:00Z")
        _ = try await store.txn(Txn(success: [.put(key: keyspace.config, value: Array(try JSONEncoder().encode(config)), lease: nil)]))
        let reconciler = Reconciler(
            node: "n1", store: store, keyspace: keyspace, factory: SimResourceFactory(node: "n1", epoch: 1, ledger: ledger, clock: clock),
            clock: clock, wallClock: { Timestamp(millisecondsSinceEpoch: 1_780_000_000_000) }, taskExecutor: executor,
            logger: ClusterScenario.quiet)
        let view = ClusterView(keyspace: keyspace, range: try await store.range(.prefix(keyspace.prefix)))
        Task(executorPreference: executor) {
            await reconciler.setIdentity(ReconcilerIdentity(lease: lease.id, incarnation: member.revision))
            await reconciler.update(view: view)
        }
        for _ in 0..<10 {
            executor.runUntilIdle()
            clock.advance(by: .milliseconds(100))
        }
        let key = try #require(try await store.get(keyspace.member("n1")))
        let written = try JSONDecoder().decode(MemberRecord.self, from: Data(key.value))
        #expect(written.ready == true, "seed \(seed): never marked ready")
        #expect(key.version == 2, "seed \(seed): the member key was written \(key.version - 1) times after its creation")
        await reconciler.shutdown()
    }
}
