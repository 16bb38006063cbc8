import Logging
import Testing
import VigilNode
import VigilCluster
import VigilStore

@Suite("Membership and election on real etcd", .etcd(members: 1))
struct EtcdElectionTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// One agent: membership plus an election campaigning with its member lease.
    struct Agent: Sendable {
        let membership: Membership
        let election: CoordinatorElection

        init(store: EtcdStore, node: String, prefix: String) {
            let election = CoordinatorElection(store: store, node: node, keyPrefix: prefix, logger: EtcdElectionTests.quiet)
            self.election = election
            membership = Membership(
                store: store, node: node, record: MemberRecord(address: node, started: "2026-11-25T19:00:00Z"),
                policy: MembershipPolicy(ttl: .seconds(2)), keyPrefix: prefix, logger: EtcdElectionTests.quiet
            ) { _ in await election.depose() }
        }

        func run() async {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await membership.run() }
                group.addTask { await election.run(lease: { await membership.lease }, retryInterval: .milliseconds(100)) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    @Test func theSurvivorTakesOverWhenTheCoordinatorLeaves() async throws {
        let cluster = try EtcdFixture.current()
        let configuration = EtcdConfiguration(endpoints: await cluster.endpoints)
        try await withEtcdStore(configuration, logger: Self.quiet) { store in
            let prefix = "/vigil/test-\(UInt32.random(in: 0...UInt32.max))/"
            let agents = [Agent(store: store, node: "a", prefix: prefix), Agent(store: store, node: "b", prefix: prefix)]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for agent in agents { group.addTask { await agent.run() } }
                try await eventually("both members", timeout: .seconds(15)) {
                    try await store.range(prefix: prefix + "members/").kvs.count == 2
                }
                var winner: Agent?
                var oldTerm: Int64 = 0
                try await eventually("one coordinator", timeout: .seconds(15)) {
                    var holders: [(Agent, Int64)] = []
                    for agent in agents { if let term = await agent.election.term { holders.append((agent, term)) } }
                    guard holders.count == 1 else { return false }
                    (winner, oldTerm) = holders[0]
                    return true
                }
                let coordinator = try #require(winner)
                let survivor = try #require(agents.first { $0.election.node != coordinator.election.node })
                let kv = try #require(try await store.get(prefix + "coordinator"))
                #expect(kv.createRevision == oldTerm)
                #expect(kv.stringValue == coordinator.election.node)
                #expect(try await coordinator.election.guardedTxn(Txn(success: [.put(prefix + "assignments/r1", "old")])).succeeded)

                let left = ContinuousClock.now
                try await coordinator.membership.leave()
                try await eventually("the survivor elected", timeout: .seconds(3)) {
                    await survivor.election.term != nil
                }
                let handover = ContinuousClock.now - left
                #expect(handover < .seconds(3), "handover took \(handover)")
                let newTerm = try #require(await survivor.election.term)
                #expect(newTerm > oldTerm)
                let stale = try await store.txn(
                    Txn(compares: [coordinator.election.guardCompare(term: oldTerm)], success: [.put(prefix + "assignments/r1", "stale")]))
                #expect(!stale.succeeded)
                #expect(try await survivor.election.guardedTxn(Txn(success: [.put(prefix + "assignments/r1", "new")])).succeeded)
                #expect(try await store.get(prefix + "assignments/r1")?.stringValue == "new")
                try await survivor.membership.leave()
                group.cancelAll()
            }
        }
    }

    /// The coordinator's agent stops without revoking (a crash): the survivor takes over
    /// once the lease expires at etcd, within TTL plus etcd's expiry slack and a margin.
    @Test func theSurvivorTakesOverWhenTheCoordinatorCrashes() async throws {
        let cluster = try EtcdFixture.current()
        let configuration = EtcdConfiguration(endpoints: await cluster.endpoints)
        try await withEtcdStore(configuration, logger: Self.quiet) { store in
            let prefix = "/vigil/test-\(UInt32.random(in: 0...UInt32.max))/"
            let first = Agent(store: store, node: "a", prefix: prefix)
            let second = Agent(store: store, node: "b", prefix: prefix)
            let (crash, crashNow) = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await withTaskGroup(of: Void.self) { inner in
                        inner.addTask { await first.run() }
                        for await _ in crash { break }
                        inner.cancelAll()
                    }
                }
                try await eventually("a elected", timeout: .seconds(15)) { await first.election.term != nil }
                let oldTerm = try #require(await first.election.term)
                group.addTask { await second.run() }
                try await eventually("b a member", timeout: .seconds(15)) { await second.membership.lease != nil }
                #expect(await second.election.term == nil)

                let crashed = ContinuousClock.now
                crashNow.yield()
                crashNow.finish()
                try await eventually("b elected", timeout: .seconds(8)) { await second.election.term != nil }
                let handover = ContinuousClock.now - crashed
                // TTL 2 s from a's last renewal, keys vanish up to 0.5 s late, plus slack for a loaded machine.
                #expect(handover < .seconds(5), "handover took \(handover)")
                let newTerm = try #require(await second.election.term)
                #expect(newTerm > oldTerm)
                let stale = try await store.txn(
                    Txn(compares: [first.election.guardCompare(term: oldTerm)], success: [.put(prefix + "assignments/r1", "stale")]))
                #expect(!stale.succeeded)
                #expect(try await store.get(prefix + "assignments/r1") == nil)
                try await second.membership.leave()
                group.cancelAll()
            }
        }
    }
}
