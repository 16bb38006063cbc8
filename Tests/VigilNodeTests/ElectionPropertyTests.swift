import Logging
import PropertyBased
import Testing
import VigilNode
import VigilCluster
import VigilStore

@Suite("CoordinatorElection properties (MemoryStore)")
struct ElectionPropertyTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Random campaigns, resignations, lease expiries and guarded writes by 3 candidates:
    /// a guarded write succeeds only for the term of the current key, terms of successive
    /// keys strictly increase, and at most one candidate holds the current term.
    @Test func onlyTheCurrentTermCanWrite() async throws {
        await propertyCheck(count: 60, input: Gen.int(in: 0...1_000_000_000)) { seed in
            do {
                try await Self.check(seed: seed)
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    static func check(seed: Int) async throws {
        var rng = SplitMix64(seed: UInt64(seed))
        let clock = TestClock()
        let store = try MemoryStore(clock: clock)
        let elections = (0..<3).map { CoordinatorElection(store: store, node: "n\($0)", logger: quiet) }
        var leases: [Int64] = []
        for _ in elections { leases.append(try await store.grantLease(ttl: .seconds(5)).id) }
        var lastTerm: Int64 = 0
        for step in 0..<40 {
            let index = Int.random(in: 0..<3, using: &rng)
            let election = elections[index]
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                if let term = try await election.campaign(lease: leases[index]) {
                    #expect(term >= lastTerm, "seed \(seed) step \(step)")
                    lastTerm = max(lastTerm, term)
                }
            case 1:
                try await election.resign()
            case 2:
                // This candidate's node is lost: its lease expires; it comes back with a new one.
                try await store.revokeLease(leases[index])
                leases[index] = try await store.grantLease(ttl: .seconds(5)).id
            default:
                let believed = await election.term
                let current = try await store.get("coordinator")?.createRevision
                let result = try? await election.guardedTxn(Txn(success: [.put("assignments/r", "n\(index)")]))
                let succeeded = result?.succeeded ?? false
                #expect(succeeded == (believed != nil && believed == current), "seed \(seed) step \(step)")
            }
            let current = try await store.get("coordinator")?.createRevision
            var holders = 0
            for candidate in elections {
                let term = await candidate.term
                if term != nil && term == current { holders += 1 }
            }
            #expect(holders <= 1, "seed \(seed) step \(step)")
        }
    }
}
