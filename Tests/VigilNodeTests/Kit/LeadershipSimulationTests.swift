import Foundation
import Testing

@Suite("VigilKit leadership under kills, stops and partitions (simulation)")
struct LeadershipSimulationTests {
    /// 200 seeded rounds (`VIGIL_LEADERSHIP_SEEDS` for more, `VIGIL_LEADERSHIP_SEED` for one):
    /// never two leaders running at once, counting each one's self-fence deadline; stale
    /// tokens always refused; a leader once the faults are over.
    @Test func neverTwoLeadersAtOnce() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seeds: [Int] =
            if let one = environment["VIGIL_LEADERSHIP_SEED"].flatMap(Int.init) {
                [one]
            } else {
                Array(0..<(environment["VIGIL_LEADERSHIP_SEEDS"].flatMap(Int.init) ?? 200))
            }
        var bodies = 0
        var staleRejected = 0
        var etcdRejected = 0
        var faults = 0
        for seed in seeds {
            let simulation = try LeadershipSimulation(seed: seed)
            try await simulation.run()
            bodies += simulation.ledger.bodies.count
            staleRejected += simulation.ledger.counts.staleRejected
            etcdRejected += simulation.ledger.counts.etcdRejected
            faults += simulation.faults
        }
        // The faults must have moved the leadership around, or the test proves little.
        #expect(bodies > seeds.count * 2, "only \(bodies) leader terms in \(seeds.count) rounds")
        #expect(faults > seeds.count * 5)
        print("leadership simulation: \(seeds.count) rounds, \(faults) faults, \(bodies) terms, \(staleRejected) stale writes refused by the token store, \(etcdRejected) by etcd")
    }
}
