import Foundation
import Testing

/// The multi-agent simulation: for each seed, 3–5 real agents on one in-memory store and a
/// manual clock, with seeded crashes, restarts, graceful leaves, resources dying, slow
/// starts and partitions long enough to lose the member lease. Checked after every clock
/// step: no primitive ever active on two nodes (in the fake executors' ledger), and every
/// assignment write guarded by the term it carries; after the faults stop, the cluster
/// converges to where the scheduler wants it.
///
/// `VIGIL_SIM_SEED=<n>` replays one seed; `VIGIL_SIM_SEEDS=<count>` runs more (or fewer)
/// seeds; `VIGIL_SIM_STEPS=<count>` sets the fault-phase length. Runs are seeded, not
/// deterministic (see ``ClusterScenario``).
@Suite("Cluster simulation", .serialized)
struct ClusterSimulationTests {
    @Test func seededScenariosKeepTheInvariants() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seeds: [UInt64]
        if let seed = environment["VIGIL_SIM_SEED"].flatMap({ UInt64($0) }) {
            seeds = [seed]
        } else {
            let count = environment["VIGIL_SIM_SEEDS"].flatMap { Int($0) } ?? 1000
            seeds = (1...max(1, count)).map { UInt64($0) }
        }
        let steps = environment["VIGIL_SIM_STEPS"].flatMap { Int($0) } ?? 60
        let started = ContinuousClock.now
        var faults: [ClusterScenario.Fault: Int] = [:]
        var failures = 0
        var ran = 0
        var assignmentWrites = 0
        for seed in seeds {
            ran += 1
            let scenario = try ClusterScenario(seed: seed, steps: steps)
            do {
                try await scenario.run()
            } catch let failure as ClusterScenario.Failure {
                failures += 1
                Issue.record("\(failure)")
            } catch {
                failures += 1
                Issue.record("seed \(seed): \(error) (replay with VIGIL_SIM_SEED=\(seed))")
            }
            await scenario.tearDown()
            faults.merge(scenario.faults, uniquingKeysWith: +)
            assignmentWrites += scenario.store.assignmentWrites
            if failures >= 5 { break }
        }
        let summary = ClusterScenario.Fault.allCases.map { "\($0.rawValue) \(faults[$0, default: 0])" }.joined(separator: ", ")
        print(
            "cluster simulation: \(ran) of \(seeds.count) seeds × \(steps) steps, \(faults.values.reduce(0, +)) faults (\(summary)), "
                + "\(assignmentWrites) assignment writes, \(failures) failing, in \(ContinuousClock.now - started)")
    }
}
