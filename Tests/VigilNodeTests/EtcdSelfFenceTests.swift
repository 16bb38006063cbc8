import Logging
import Testing
import VigilNode
import VigilCluster
import VigilStore

@Suite("Self-fencing on real etcd", .etcd(members: 1))
struct EtcdSelfFenceTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// etcd frozen (SIGSTOP by PID): the coordinator self-fences and is deposed before its
    /// lease could expire; once etcd answers again it re-joins with a new lease.
    @Test func freezingEtcdFencesTheCoordinatorThenItRejoinsWithANewLease() async throws {
        let cluster = try EtcdFixture.current()
        let configuration = EtcdConfiguration(endpoints: await cluster.endpoints, requestTimeout: .milliseconds(500))
        try await withEtcdStore(configuration, logger: Self.quiet) { store in
            let prefix = "/vigil/test-\(UInt32.random(in: 0...UInt32.max))/"
            let fences = FenceLog()
            let election = CoordinatorElection(store: store, node: "a", keyPrefix: prefix, logger: Self.quiet)
            let membership = Membership(
                store: store, node: "a", record: MemberRecord(address: "a", started: "2026-11-25T19:00:00Z"),
                policy: MembershipPolicy(ttl: .seconds(2)), keyPrefix: prefix, logger: Self.quiet
            ) { lease in
                await election.depose()
                fences.record(FenceLog.Entry(lease: lease, leaseAliveAtStore: true))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await membership.run() }
                group.addTask { await election.run(lease: { await membership.lease }, retryInterval: .milliseconds(100)) }
                try await eventually("elected", timeout: .seconds(15)) { await election.term != nil }
                let first = try #require(await membership.lease)

                await cluster.pause(0)
                let paused = ContinuousClock.now
                do {
                    try await eventually("fenced", timeout: .seconds(5)) { !fences.all.isEmpty }
                } catch {
                    await cluster.resume(0)
                    throw error
                }
                let fencedAfter = ContinuousClock.now - paused
                #expect(await election.term == nil)
                #expect(await membership.lease == nil)
                #expect(fences.all.map(\.lease) == [first])
                // The deadline is at most TTL - margin (1.5 s) after the last confirmed send; slack for a loaded machine.
                #expect(fencedAfter < .seconds(3), "fenced \(fencedAfter) after the freeze")
                await cluster.resume(0)

                try await eventually("re-joined", timeout: .seconds(15)) { await membership.lease != nil }
                let second = try #require(await membership.lease)
                #expect(second != first)
                try await eventually("member key under the new lease", timeout: .seconds(10)) {
                    try await store.get(prefix + "members/a")?.lease == second
                }
                try await eventually("re-elected", timeout: .seconds(10)) { await election.term != nil }
                try await membership.leave()
                group.cancelAll()
            }
        }
    }
}
