import Foundation
import Logging
import Testing
import VigilNode
import VigilCluster
import VigilStore

@Suite("Membership (MemoryStore, test clock)")
struct MembershipTests {
    let policy = MembershipPolicy(ttl: .seconds(3))

    /// Advances the clock in small steps, each once the driver is parked on it.
    ///
    /// The agent is parked when it sleeps on the clock, or — given `store` and `fences` — when
    /// it has fenced and its re-join hangs in the store (that wait is not on the clock).
    func advance(
        _ clock: TestClock, by total: Duration, step: Duration = .milliseconds(100), store: FlakyStore? = nil,
        fences: FenceLog? = nil
    ) async throws {
        var elapsed = Duration.zero
        while elapsed < total {
            try await eventually("the agent to wait on the clock", timeout: .seconds(10), every: .milliseconds(1)) {
                if clock.sleeperCount >= 1 { return true }
                guard let store, let fences else { return false }
                return store.mode == .hanging && store.hangingCalls > 0 && !fences.all.isEmpty
            }
            clock.advance(by: step)
            elapsed += step
        }
    }

    func member(_ store: any ClusterStore, clock: TestClock, fences: FenceLog, inner: MemoryStore) -> Membership {
        Membership(
            store: store, node: "n1", record: MemberRecord(address: "10.0.0.1", started: "2026-11-25T19:00:00Z"),
            policy: policy, clock: clock, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        ) { lease in
            let alive = (try? await inner.timeToLive(lease)) != nil
            fences.record(FenceLog.Entry(lease: lease, leaseAliveAtStore: alive))
        }
    }

    @Test func joinsAndStaysAMemberAcrossManyTTLs() async throws {
        let clock = TestClock()
        let store = try MemoryStore(clock: clock)
        let fences = FenceLog()
        let membership = member(store, clock: clock, fences: fences, inner: store)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await membership.run() }
            try await eventually("joined") { await membership.lease != nil }
            let lease = try #require(await membership.lease)
            let kv = try #require(try await store.get("members/n1"))
            #expect(kv.lease == lease)
            let record = try JSONDecoder().decode(MemberRecord.self, from: Data(kv.value))
            #expect(record.address == "10.0.0.1")
            try await advance(clock, by: .seconds(12))
            #expect(await membership.lease == lease)
            #expect(try await store.get("members/n1")?.lease == lease)
            #expect(fences.all.isEmpty)
            try await membership.leave()
            #expect(try await store.get("members/n1") == nil)
            #expect(try await store.timeToLive(lease) == nil)
            group.cancelAll()
        }
    }

    @Test(arguments: [FlakyStore.Mode.failing, .hanging])
    func selfFencesBeforeTheLeaseExpiresThenRejoinsWithANewLease(mode: FlakyStore.Mode) async throws {
        let clock = TestClock()
        let inner = try MemoryStore(clock: clock)
        let flaky = FlakyStore(inner)
        let fences = FenceLog()
        let membership = member(flaky, clock: clock, fences: fences, inner: inner)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await membership.run() }
            try await eventually("joined") { await membership.lease != nil }
            let first = try #require(await membership.lease)
            try await advance(clock, by: .seconds(2), store: flaky, fences: fences)
            flaky.mode = mode
            // The lease lives at most TTL (3 s) past the last renewal the store saw.
            try await advance(clock, by: .seconds(4), store: flaky, fences: fences)
            #expect(fences.all.map(\.lease) == [first])
            #expect(fences.all.first?.leaseAliveAtStore == true, "fenced only after the store expired the lease")
            #expect(await membership.phase == .fenced)
            #expect(await membership.lease == nil)
            flaky.mode = .normal
            try await advance(clock, by: .seconds(1), store: flaky, fences: fences)
            try await eventually("rejoined") { await membership.lease != nil }
            let second = try #require(await membership.lease)
            #expect(second != first)
            #expect(try await inner.get("members/n1")?.lease == second)
            try await advance(clock, by: .seconds(7))
            #expect(await membership.lease == second)
            #expect(fences.all.count == 1)
            group.cancelAll()
        }
    }

    @Test func doesNotOverwriteAnotherLiveAgentsKey() async throws {
        let clock = TestClock()
        let store = try MemoryStore(clock: clock)
        let other = try await store.grantLease(ttl: .seconds(30))
        try await store.put("members/n1", "someone else", lease: other.id)
        let membership = member(store, clock: clock, fences: FenceLog(), inner: store)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await membership.run() }
            try await advance(clock, by: .seconds(2))
            #expect(await membership.lease == nil)
            #expect(try await store.get("members/n1")?.lease == other.id)
            try await store.revokeLease(other.id)
            try await advance(clock, by: .seconds(1))
            try await eventually("joined") { await membership.lease != nil }
            #expect(try await store.get("members/n1")?.lease == membership.lease)
            group.cancelAll()
        }
    }

    @Test func fencesAtOnceWhenTheLeaseIsGone() async throws {
        let clock = TestClock()
        let store = try MemoryStore(clock: clock)
        let fences = FenceLog()
        let membership = member(store, clock: clock, fences: fences, inner: store)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await membership.run() }
            try await eventually("joined") { await membership.lease != nil }
            let first = try #require(await membership.lease)
            try await store.revokeLease(first)
            try await advance(clock, by: .seconds(1))
            try await eventually("fenced and rejoined") {
                let fenced = await membership.fences
                let lease = await membership.lease
                return fenced == 1 && lease != nil
            }
            #expect(await membership.lease != first)
            group.cancelAll()
        }
    }
}
