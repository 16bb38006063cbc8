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
/// seeds; `VIGIL_SIM_STEPS=<count>` sets the fault-phase length. A seed replays exactly
/// (see ``ClusterScenario``; run with `SWIFT_DETERMINISTIC_HASHING=1`, as lab/test does).
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
            if await !scenario.tearDown() {
                failures += 1
                Issue.record("seed \(seed): agent tasks still running after teardown")
            }
            if seeds.count == 1 {
                // A fingerprint of the whole run, to compare replays across processes.
                let trace = scenario.trace.all
                let hash = trace.joined(separator: "\n").utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
                print("seed \(seed): \(trace.count) trace lines, fingerprint \(String(hash, radix: 16)), \(scenario.executor.jobsRun) jobs")
            }
            faults.merge(scenario.faults, uniquingKeysWith: +)
            assignmentWrites += scenario.store.assignmentWrites
            if failures >= 5 { break }
        }
        let summary = ClusterScenario.Fault.allCases.map { "\($0.rawValue) \(faults[$0, default: 0])" }.joined(separator: ", ")
        print(
            "cluster simulation: \(ran) of \(seeds.count) seeds × \(steps) steps, \(faults.values.reduce(0, +)) faults (\(summary)), "
                + "\(assignmentWrites) assignment writes, \(failures) failing, in \(ContinuousClock.now - started)")
    }

    /// The same seed twice gives the same run: the same trace, line for line (every agent
    /// log line and fault, stamped with the test clock), the same store revision and the
    /// same number of jobs run.
    @Test func aSeedReplaysExactly() async throws {
        for seed: UInt64 in [3, 17, 604] {
            var runs: [(trace: [String], revision: Int64, jobs: Int)] = []
            for _ in 0..<2 {
                let scenario = try ClusterScenario(seed: seed, steps: 60)
                try? await scenario.run()
                runs.append((scenario.trace.all, await scenario.memory.currentRevision, scenario.executor.jobsRun))
                await scenario.tearDown()
            }
            #expect(runs[0].trace.count > 50, "seed \(seed): the trace is too short to mean anything")
            #expect(runs[0].revision == runs[1].revision, "seed \(seed): store revision")
            #expect(runs[0].jobs == runs[1].jobs, "seed \(seed): jobs run")
            if let index = zip(runs[0].trace, runs[1].trace).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                Issue.record("seed \(seed): runs differ at trace line \(index):\n\(runs[0].trace[index])\n\(runs[1].trace[index])")
            } else {
                #expect(runs[0].trace.count == runs[1].trace.count, "seed \(seed): trace length")
            }
        }
    }
}
