import PropertyBased
import Testing
import VigilModel
import VigilScheduler

/// Invariants that must hold for every cluster: checked on thousands of random ones.
@Suite("Scheduler properties")
struct SchedulerPropertyTests {
    static let seeds = Gen.int(in: 0...1_000_000_000)

    @Test("Placements respect node states, bans, INFINITY constraints and limits")
    func placementInvariants() async {
        await propertyCheck(count: 1500, input: Self.seeds) { seed in
            let cluster = RandomCluster.make(seed: seed)
            let transition = Scheduler.plan(config: cluster.config, state: cluster.state)
            let problems = PlacementChecker(cluster: cluster, transition: transition).problems()
            #expect(problems.isEmpty, "seed \(seed):\n\(problems.joined(separator: "\n"))\n--- config\n\(cluster.configYAML)--- state\n\(cluster.stateYAML)\n\(transition.text(resourceOrder: cluster.config.resources.map(\.name)))")
        }
    }

    @Test("Exclusive resources are never active twice: starts wait for stops and fences")
    func exclusivity() async {
        await propertyCheck(count: 1500, input: Self.seeds) { seed in
            let cluster = RandomCluster.make(seed: seed)
            let transition = Scheduler.plan(config: cluster.config, state: cluster.state)
            let problems = ExclusivityChecker(cluster: cluster, transition: transition).problems()
            #expect(problems.isEmpty, "seed \(seed):\n\(problems.joined(separator: "\n"))\n--- config\n\(cluster.configYAML)--- state\n\(cluster.stateYAML)\n\(transition.text(resourceOrder: cluster.config.resources.map(\.name)))")
        }
    }

    @Test("The same input always gives the same output")
    func determinism() async {
        await propertyCheck(count: 500, input: Self.seeds) { seed in
            let first = RandomCluster.make(seed: seed)
            let second = RandomCluster.make(seed: seed)
            #expect(Scheduler.plan(config: first.config, state: first.state) == Scheduler.plan(config: second.config, state: second.state))
        }
    }

    @Test("Planning again on the state a transition produces yields no actions")
    func idempotence() async {
        await propertyCheck(count: 1500, input: Self.seeds) { seed in
            let cluster = RandomCluster.make(seed: seed)
            let transition = Scheduler.plan(config: cluster.config, state: cluster.state)
            let after = transition.applied(to: cluster.state, config: cluster.config)
            let again = Scheduler.plan(config: cluster.config, state: after)
            #expect(again.actions.isEmpty, "seed \(seed): re-planning gives \(again.actions.map(\.description))\n--- config\n\(cluster.configYAML)--- state\n\(cluster.stateYAML)\n\(transition.text(resourceOrder: cluster.config.resources.map(\.name)))")
            #expect(again.placements == transition.placements, "seed \(seed): placements change on re-planning")
        }
    }

    @Test("Actions only wait for earlier actions")
    func topologicalOrder() async {
        await propertyCheck(count: 500, input: Self.seeds) { seed in
            let cluster = RandomCluster.make(seed: seed)
            let transition = Scheduler.plan(config: cluster.config, state: cluster.state)
            for (index, action) in transition.actions.enumerated() {
                #expect(action.after.allSatisfy { $0 < index }, "seed \(seed): action \(index) \(action) waits for a later one")
            }
        }
    }
}
