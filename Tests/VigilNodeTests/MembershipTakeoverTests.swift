import Foundation
import Logging
import Testing
import VigilNode
import VigilCluster
import VigilStore

/// A restarted agent and its crashed predecessor's member key: taken over at once on the
/// same host, waited out (a live member of another host is never displaced) otherwise.
@Suite("Membership takeover (MemoryStore, test clock)")
struct MembershipTakeoverTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A member key `members/n1` of `host` under a live lease, as a crashed agent leaves it.
    static func predecessor(_ store: MemoryStore, host: String?) async throws -> Int64 {
        let lease = try await store.grantLease(ttl: .seconds(3))
        let value = Array(try JSONEncoder().encode(MemberRecord(address: "a", started: "t", host: host)))
        _ = try await store.txn(Txn(success: [.put(key: "members/n1", value: value, lease: lease.id)]))
        return lease.id
    }

    static func membership(_ store: MemoryStore, clock: TestClock, host: String?) -> Membership {
        Membership(
            store: store, node: "n1", record: MemberRecord(address: "b", started: "t2", host: host),
            policy: MembershipPolicy(ttl: .seconds(3)), clock: clock, logger: quiet
        ) { _ in }
    }

    @Test func theSameHostTakesTheKeyOverAtOnce() async throws {
        let clock = TestClock()
        let store = try MemoryStore(clock: clock)
        let old = try await Self.predecessor(store, host: "boot-1 /sys/fs/cgroup/vigil.n1")
        let membership = Self.membership(store, clock: clock, host: "boot-1 /sys/fs/cgroup/vigil.n1")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await membership.run() }
            // No clock time passes: the predecessor's lease is revoked, not waited out.
            try await eventually("joined", timeout: .seconds(10)) { await membership.lease != nil }
            let lease = try #require(await membership.lease)
            #expect(lease != old)
            #expect(try await store.get("members/n1")?.lease == lease)
            #expect(try await store.timeToLive(old) == nil, "the predecessor's lease is revoked")
            try await membership.leave()
            group.cancelAll()
        }
    }

    @Test(arguments: [String?.some("boot-2 /sys/fs/cgroup/vigil.n1"), nil])
    func anotherHostOrAnUnknownOneIsWaitedOut(other: String?) async throws {
        let clock = TestClock()
        let store = try MemoryStore(clock: clock)
        let old = try await Self.predecessor(store, host: other)
        let membership = Self.membership(store, clock: clock, host: "boot-1 /sys/fs/cgroup/vigil.n1")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await membership.run() }
            try await eventually("a join attempt waiting on the clock", timeout: .seconds(10)) { clock.sleeperCount >= 1 }
            #expect(await membership.lease == nil)
            #expect(try await store.get("members/n1")?.lease == old, "a live member of another host is never displaced")
            #expect(try await store.timeToLive(old) != nil)
            group.cancelAll()
        }
    }
}
