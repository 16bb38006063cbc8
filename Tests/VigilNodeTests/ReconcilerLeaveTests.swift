import Foundation
import Logging
import Testing
import VigilAgents
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// A graceful leave while a start is in flight or only just begun: whatever the order the
/// two interleave in, nothing the agent started may still run once its leave has stopped
/// everything (the agent is about to give up its membership, and the coordinator to place
/// the resource elsewhere).
///
/// Each seed drives the reconciler's tasks in a different (seeded) order on a
/// ``SimTaskExecutor``: sometimes the leave comes before the start is decided, sometimes
/// between the start's decision and its first step, sometimes while it runs.
@Suite("Reconciler leaving with a start in flight")
struct ReconcilerLeaveTests {
    static let keyspace = Keyspace(cluster: "t")
    static let yaml = """
        cluster: {name: t}
        nodes: [{name: n1}]
        resources:
          - {name: db, agent: "ocf:heartbeat:Dummy", monitor: {interval: 1s, timeout: 5s}}
        """

    @Test(arguments: 1...200 as ClosedRange<UInt64>)
    func nothingRunsAfterTheLeaveStoppedEverything(seed: UInt64) async throws {
        let clock = TestClock()
        let executor = SimTaskExecutor(seed: seed)
        let store = try MemoryStore(clock: clock, logger: ClusterScenario.quiet)
        let ledger = SimLedger(exclusive: ["db"], seed: seed) { clock.now.offset }
        let keyspace = Self.keyspace
        let lease = try await store.grantLease(ttl: .seconds(60))
        let member = try await store.txn(Txn(success: [.put(key: keyspace.member("n1"), value: Array("{}".utf8), lease: lease.id)]))
        let incarnation = member.revision
        let config = ConfigRecord(yaml: Self.yaml, hash: "sha256:t", appliedBy: "t@h", appliedAt: "2026-11-25T10:00:00Z")
        _ = try await store.txn(Txn(success: [.put(key: keyspace.config, value: Array(try JSONEncoder().encode(config)), lease: nil)]))
        let reconciler = Reconciler(
            node: "n1", store: store, keyspace: keyspace, factory: SlowStartFactory(ledger: ledger, clock: clock),
            clock: clock, wallClock: { Timestamp(millisecondsSinceEpoch: 1_780_000_000_000) }, taskExecutor: executor,
            logger: ClusterScenario.quiet)

        // Probed and idle: db is stopped here.
        let idle = ClusterView(keyspace: keyspace, range: try await store.range(.prefix(keyspace.prefix)))
        Task(executorPreference: executor) {
            await reconciler.setIdentity(ReconcilerIdentity(lease: lease.id, incarnation: incarnation))
            await reconciler.update(view: idle)
        }
        executor.runUntilIdle()
        #expect(await reconciler.resources["db"]?.state == .stopped)

        // The assignment to start db and the leave arrive together.
        let assignment = AssignmentRecord(term: 1, nodes: ["n1": .init(role: .started, member: incarnation)])
        _ = try await store.txn(Txn(success: [.put(key: keyspace.assignment("db"), value: Array(try JSONEncoder().encode(assignment)), lease: nil)]))
        let assigned = ClusterView(keyspace: keyspace, range: try await store.range(.prefix(keyspace.prefix)))
        let stopped = Counter()
        Task(executorPreference: executor) { await reconciler.update(view: assigned) }
        Task(executorPreference: executor) {
            await reconciler.stopAll()
            _ = stopped.increment()
        }
        for _ in 0..<10 where stopped.count == 0 {
            executor.runUntilIdle()
            clock.advance(by: .milliseconds(500))
        }
        #expect(stopped.count == 1, "seed \(seed): the leave's stops never ended")
        #expect(ledger.activeByNode["n1"] == nil, "seed \(seed): db still runs after the leave stopped everything")
        // Whatever was still in flight has ended by now; it must not have brought db up again.
        clock.advance(by: .seconds(5))
        executor.runUntilIdle()
        #expect(ledger.activeByNode["n1"] == nil, "seed \(seed): db came up after the leave")
        await reconciler.shutdown()
    }
}

/// A start takes a second of test-clock time (active from its first instant, as a real
/// service may be); a stop is instant. A cancelled start ends at once without undoing what
/// it may already have brought up.
private struct SlowStartExecutor: ResourceExecutor {
    let ledger: SimLedger
    let clock: TestClock

    func perform(_ request: ActionRequest) async -> ActionResult {
        switch request.action {
        case .start:
            ledger.markActive("db", on: "n1", epoch: 1)
            do { try await clock.sleep(for: .seconds(1)) } catch { return ActionResult(code: .genericError, output: "cancelled") }
            return ActionResult(code: .success)
        case .stop:
            ledger.markStopped("db", on: "n1", epoch: 1)
            return ActionResult(code: .success)
        case .monitor:
            return ActionResult(code: ledger.isActive("db", on: "n1", epoch: 1) ? .success : .notRunning)
        default:
            return ActionResult(code: .unimplemented)
        }
    }
}

private struct SlowStartFactory: ResourceHandleFactory {
    let ledger: SimLedger
    let clock: TestClock

    func handle(for resource: ResourceConfig, in config: ClusterConfig) throws(VigilClusterError) -> ResourceHandle {
        ResourceHandle(executor: SlowStartExecutor(ledger: ledger, clock: clock))
    }
}
