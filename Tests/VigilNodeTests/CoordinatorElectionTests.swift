import Logging
import Testing
import VigilNode
import VigilCluster
import VigilStore

@Suite("CoordinatorElection (MemoryStore)")
struct CoordinatorElectionTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func candidates(_ count: Int, store: MemoryStore) async throws -> [(election: CoordinatorElection, lease: Int64)] {
        var result: [(election: CoordinatorElection, lease: Int64)] = []
        for index in 0..<count {
            let lease = try await store.grantLease(ttl: .seconds(3))
            result.append((election: CoordinatorElection(store: store, node: "n\(index)", logger: Self.quiet), lease: lease.id))
        }
        return result
    }

    @Test(arguments: [2, 3, 7])
    func oneWinnerWhoseTermIsTheCreateRevision(count: Int) async throws {
        let store = try MemoryStore(clock: TestClock())
        let all = try await candidates(count, store: store)
        let terms = await withTaskGroup(of: Int64?.self) { group in
            for candidate in all { group.addTask { try? await candidate.election.campaign(lease: candidate.lease) } }
            return await group.reduce(into: [Int64?]()) { $0.append($1) }
        }
        let won = terms.compactMap { $0 }
        #expect(won.count == 1)
        let kv = try #require(try await store.get("coordinator"))
        #expect(won.first == kv.createRevision)
        var holders = 0
        for candidate in all {
            if let term = await candidate.election.term {
                holders += 1
                #expect(term == kv.createRevision)
                #expect(kv.stringValue == candidate.election.node)
                #expect(kv.lease == candidate.lease)
            }
        }
        #expect(holders == 1)
        // Campaigning again under the same lease is idempotent.
        let winner = try #require(all.first { kv.lease == $0.lease })
        #expect(try await winner.election.campaign(lease: winner.lease) == kv.createRevision)
    }

    @Test func theLoserTakesOverAfterResignationWithAGreaterTermAndTheOldTermIsFenced() async throws {
        let store = try MemoryStore(clock: TestClock())
        let all = try await candidates(2, store: store)
        let (a, b) = (all[0], all[1])
        let oldTerm = try #require(try await a.election.campaign(lease: a.lease))
        #expect(try await b.election.campaign(lease: b.lease) == nil)
        let write = try await a.election.guardedTxn(Txn(success: [.put("assignments/r1", "a")]))
        #expect(write.succeeded)
        try await a.election.resign()
        #expect(await a.election.term == nil)
        #expect(try await store.get("coordinator") == nil)
        let newTerm = try #require(try await b.election.campaign(lease: b.lease))
        #expect(newTerm > oldTerm)
        let stale = try await store.txn(
            Txn(compares: [a.election.guardCompare(term: oldTerm)], success: [.put("assignments/r1", "stale")]))
        #expect(!stale.succeeded)
        await #expect(throws: VigilStoreError.self) {
            try await a.election.guardedTxn(Txn(success: [.put("assignments/r1", "stale")]))
        }
        #expect(try await b.election.guardedTxn(Txn(success: [.put("assignments/r1", "b")])).succeeded)
        #expect(try await store.get("assignments/r1")?.stringValue == "b")
        // Resigning with a stale term deletes nothing.
        try await a.election.resign()
        #expect(try await store.get("coordinator")?.createRevision == newTerm)
    }

    @Test func theLoserTakesOverWhenTheWinnersLeaseExpires() async throws {
        let clock = TestClock()
        let store = try MemoryStore(clock: clock)
        let all = try await candidates(2, store: store)
        let (a, b) = (all[0], all[1])
        let oldTerm = try #require(try await a.election.campaign(lease: a.lease))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await b.election.run(lease: { b.lease }, clock: clock) }
            try await eventually("b watching") { await b.election.term == nil && clock.sleeperCount == 0 }
            clock.advance(by: .seconds(2))
            _ = try await store.keepAlive(b.lease)
            clock.advance(by: .seconds(2))
            _ = try await store.keepAlive(b.lease)  // expires a's lease at the store
            try await eventually("b elected") { await b.election.term != nil }
            let newTerm = try #require(await b.election.term)
            #expect(newTerm > oldTerm)
            #expect(try await store.get("coordinator")?.createRevision == newTerm)
            // a still believes it leads until told otherwise; its writes are fenced.
            #expect(try await a.election.guardedTxn(Txn(success: [.put("assignments/r1", "a")])).succeeded == false)
            group.cancelAll()
        }
    }

    @Test func selfFenceDeposesTheCoordinatorAtOnce() async throws {
        let store = try MemoryStore(clock: TestClock())
        let all = try await candidates(1, store: store)
        let a = all[0]
        #expect(try await a.election.campaign(lease: a.lease) != nil)
        await a.election.depose()
        #expect(await a.election.term == nil)
        #expect(await a.election.guardCompare() == nil)
        await #expect(throws: VigilStoreError.self) {
            try await a.election.guardedTxn(Txn(success: [.put("assignments/r1", "a")]))
        }
    }

    @Test func runLoopsHandOverOnResignation() async throws {
        let store = try MemoryStore(clock: TestClock())
        let all = try await candidates(3, store: store)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for candidate in all {
                group.addTask { await candidate.election.run(lease: { candidate.lease }) }
            }
            var seen: [Int64] = []
            for _ in 0..<3 {
                try await eventually("one coordinator") {
                    var terms: [Int64] = []
                    for candidate in all { if let term = await candidate.election.term { terms.append(term) } }
                    return terms.count == 1 && !seen.contains(terms[0])
                }
                // Resign only the holder seen in this round: once it resigns, another
                // candidate may win the next term before this loop looks at it.
                for candidate in all {
                    if let term = await candidate.election.term, !seen.contains(term) {
                        #expect(seen.allSatisfy { $0 < term })
                        seen.append(term)
                        try await candidate.election.resign()
                        break
                    }
                }
            }
            #expect(seen.count == 3)
            group.cancelAll()
        }
    }

    @Test func aTermWonWithALeaseLostDuringTheCampaignIsResigned() async throws {
        let store = try MemoryStore(clock: TestClock())
        let all = try await candidates(1, store: store)
        let a = all[0]
        let calls = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await a.election.run(lease: {
                    calls.increment() == 1 ? a.lease : nil
                })
            }
            try await eventually("the campaign and the re-check") { calls.count >= 2 }
            try await eventually("the key deleted") { try await store.get("coordinator") == nil }
            #expect(await a.election.term == nil)
            group.cancelAll()
        }
    }
}
