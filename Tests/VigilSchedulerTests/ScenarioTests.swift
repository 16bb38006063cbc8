import Testing
import VigilModel
import VigilScheduler

/// The data-driven regression cases under Scenarios/ (format: docs/scheduler.md and
/// each file's description).
@Suite("Scheduler scenarios")
struct ScenarioTests {
    @Test("There are at least 80 scenarios, and every numbered rule is covered")
    func coverage() throws {
        let names = Scenario.allNames()
        #expect(names.count >= 80)
        var covered: Set<Int> = []
        for name in names { covered.formUnion(try Scenario.load(name).rules) }
        #expect(covered.isSuperset(of: 1...8), "rules not covered: \(Set(1...8).subtracting(covered).sorted())")
    }

    @Test("Scenario", arguments: Scenario.allNames())
    func scenario(_ name: String) throws {
        let scenario = try Scenario.load(name)
        let transition = Scheduler.plan(config: scenario.config, state: scenario.state)
        let context = "\(name): \(scenario.description)\n\(transition.text(resourceOrder: scenario.config.resources.map(\.name)))"

        for resource in scenario.config.resources.map(\.name) {
            let expected = scenario.expectedPlacements[resource]
            #expect(expected != nil, "\(name): expect.placements has no entry for \(resource)")
            if let expected {
                #expect(transition.placements[resource] == expected, "placement of \(resource)\n\(context)")
            }
        }
        let actual = transition.actions.map(\.description).sorted()
        #expect(actual == scenario.expectedActions.sorted(), "actions\n\(context)")
        for (earlier, later) in scenario.expectedOrder {
            let earlierIndexes = transition.actions.indices.filter { transition.actions[$0].description == earlier }
            let laterIndexes = transition.actions.indices.filter { transition.actions[$0].description == later }
            #expect(!earlierIndexes.isEmpty && !laterIndexes.isEmpty, "order pair [\(earlier), \(later)] names a missing action\n\(context)")
            for l in laterIndexes {
                #expect(earlierIndexes.contains { transition.waits(l, for: $0) }, "'\(later)' must wait for '\(earlier)'\n\(context)")
            }
        }
        #expect(Set(transition.unplaced) == Set(scenario.expectedUnplaced), "unplaced\n\(context)")

        // Idempotence: once the transition is carried out there is nothing left to do.
        let after = transition.applied(to: scenario.state, config: scenario.config)
        let again = Scheduler.plan(config: scenario.config, state: after)
        #expect(again.actions.isEmpty, "re-planning after the transition gives \(again.actions.map(\.description))\n\(context)")
        #expect(again.placements == transition.placements, "re-planning moves placements\n\(context)")
    }
}
