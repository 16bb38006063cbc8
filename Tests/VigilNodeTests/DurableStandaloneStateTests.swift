import Foundation
import Testing
import VigilAgents
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// Issue 10 §6: the standalone store on a disk that fills up. A write that cannot be made
/// durable is not applied (the caller gets an error, the in-memory state stays as before,
/// nothing on disk is lost), and a failcount increment the full disk refused lands once
/// space is freed.
@Suite("Durable standalone state")
struct DurableStandaloneStateTests {
    @Test func aFullDiskRefusesWritesLosesNothingAndTheFailcountLandsLater() async throws {
        try await withSmallTmpfs(kibibytes: 64) { tmpfs in
            let stateDirectory = tmpfs.path + "/state"
            let clock = TestClock()
            let executor = SimTaskExecutor(seed: 1)
            let keyspace = Keyspace(cluster: "t")
            let store = try MemoryStore(clock: clock, directory: stateDirectory, logger: ClusterScenario.quiet)
            let yaml = "cluster: {name: t}\nnodes: [{name: n1}]\nresources:\n  - {name: web, agent: process, params: {command: [/bin/true]}}\n"
            let lease = try await store.grantLease(ttl: .seconds(60))
            let record = MemberRecord(address: "127.0.0.1:7950", started: "2026-11-26T00:00:00Z")
            let member = try await store.txn(
                Txn(success: [.put(key: keyspace.member("n1"), value: Array(try JSONEncoder().encode(record)), lease: lease.id)]))
            let config = ConfigRecord(yaml: yaml, hash: "sha256:t", appliedBy: "t@h", appliedAt: "2026-11-26T00:00:00Z")
            _ = try await store.txn(Txn(success: [.put(key: keyspace.config, value: Array(try JSONEncoder().encode(config)), lease: nil)]))
            let view = ClusterView(keyspace: keyspace, range: try await store.range(.prefix(keyspace.prefix)))

            try tmpfs.fill()
            // The store refuses a write it cannot make durable, and does not apply it.
            let revision = await store.currentRevision
            await #expect(throws: VigilStoreError.self) { try await store.put(keyspace.prefix + "probe", "x") }
            #expect(await store.currentRevision == revision)
            #expect(try await store.get(keyspace.prefix + "probe") == nil)

            // The resource's probe fails while the disk is full: its failcount cannot be written.
            let reconciler = Reconciler(
                node: "n1", store: store, keyspace: keyspace, factory: AlwaysFailingFactory(), clock: clock,
                wallClock: { Timestamp(millisecondsSinceEpoch: 1_780_000_000_000) }, taskExecutor: executor,
                logger: ClusterScenario.quiet)
            Task(executorPreference: executor) {
                await reconciler.setIdentity(ReconcilerIdentity(lease: lease.id, incarnation: member.revision))
                await reconciler.update(view: view)
            }
            for _ in 0..<10 {
                executor.runUntilIdle()
                clock.advance(by: .milliseconds(100))
            }
            #expect(await reconciler.resources["web"]?.state == .failed)
            #expect(try await store.get(keyspace.failcount("web", on: "n1")) == nil, "written while the disk was full")
            #expect(await store.currentRevision == revision)

            // Nothing on disk was lost: a store reopened from the directory has what was written before.
            let reopened = try MemoryStore(clock: clock, directory: stateDirectory, logger: ClusterScenario.quiet)
            #expect(try await reopened.get(keyspace.config) != nil)
            #expect(try await reopened.get(keyspace.member("n1")) != nil)

            // Space comes back: the retried failcount (and the status) land.
            try tmpfs.free()
            Task(executorPreference: executor) { await reconciler.retryWrites() }
            for _ in 0..<10 {
                executor.runUntilIdle()
                clock.advance(by: .milliseconds(100))
            }
            let failcount = try #require(try await store.get(keyspace.failcount("web", on: "n1")), "the failcount was lost")
            #expect(try JSONDecoder().decode(FailcountRecord.self, from: Data(failcount.value)).count == 1)
            let status = try #require(try await store.get(keyspace.status("web", on: "n1")))
            #expect(try JSONDecoder().decode(StatusRecord.self, from: Data(status.value)).state == .failed)
            // And it is durable.
            let again = try MemoryStore(clock: clock, directory: stateDirectory, logger: ClusterScenario.quiet)
            #expect(try await again.get(keyspace.failcount("web", on: "n1")) != nil)
            Task(executorPreference: executor) { await reconciler.shutdown() }
            executor.runUntilIdle()
        }
    }
}

/// Every action fails: the probe reports the resource failed.
private struct AlwaysFailingExecutor: ResourceExecutor {
    func perform(_ request: ActionRequest) async -> ActionResult {
        ActionResult(code: .genericError, output: "broken on purpose")
    }
}

private struct AlwaysFailingFactory: ResourceHandleFactory {
    func handle(for resource: ResourceConfig, in config: ClusterConfig) throws(VigilClusterError) -> ResourceHandle {
        ResourceHandle(executor: AlwaysFailingExecutor())
    }
}
