import PropertyBased
import Testing
import VigilModel
import VigilScheduler

@Suite("Transition progress")
struct TransitionProgressTests {
    func transition() -> Transition {
        Transition(placements: [:], actions: [
            PlannedAction(kind: .fence, resource: nil, node: "n4"),
            PlannedAction(kind: .stop, resource: "api", node: "n1"),
            PlannedAction(kind: .start, resource: "web", node: "n2", after: [0]),
            PlannedAction(kind: .start, resource: "api", node: "n2", after: [1, 2]),
        ], unplaced: [])
    }

    @Test func actionsBecomeReadyOnlyAfterTheirPredecessorsSucceed() {
        var progress = TransitionProgress(transition())
        #expect(progress.ready == [0, 1])
        let started0 = progress.start(0)
        #expect(started0)
        let startedEarly = progress.start(2)
        #expect(!startedEarly, "web waits for the fence")
        #expect(progress.ready == [1])
        let finished0 = progress.finish(0, succeeded: true)
        #expect(finished0)
        #expect(progress.ready == [1, 2])
        let started12 = progress.start(1) && progress.start(2)
        #expect(started12)
        #expect(progress.ready.isEmpty)
        let finished12 = progress.finish(1, succeeded: true) && progress.finish(2, succeeded: true)
        #expect(finished12)
        #expect(progress.ready == [3])
        let ran3 = progress.start(3) && progress.finish(3, succeeded: true)
        #expect(ran3)
        #expect(progress.isComplete && progress.isSettled && !progress.hasFailed)
    }

    @Test func aFailureStopsEverythingThatWaitsForIt() {
        var progress = TransitionProgress(transition())
        progress.start(0)
        progress.start(1)
        progress.finish(0, succeeded: false)
        #expect(progress.hasFailed)
        #expect(progress.ready.isEmpty, "web and api wait (transitively) for the failed fence")
        #expect(!progress.isSettled, "the stop of api is still running")
        progress.finish(1, succeeded: true)
        #expect(progress.isSettled && !progress.isComplete)
        let again = progress.finish(1, succeeded: true)
        #expect(!again, "an action finishes once")
    }

    @Test("Executing ready actions in any order completes every planned transition")
    func anyExecutionOrderCompletes() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000_000)) { seed in
            let cluster = RandomCluster.make(seed: seed)
            let transition = Scheduler.plan(config: cluster.config, state: cluster.state)
            var progress = TransitionProgress(transition)
            var rng = SplitMix64(seed: UInt64(seed))
            var order: [Int] = []
            while !progress.isComplete {
                let ready = progress.ready
                guard let next = ready.randomElement(using: &rng) else { break }
                progress.start(next)
                progress.finish(next, succeeded: true)
                order.append(next)
            }
            #expect(progress.isComplete, "seed \(seed): stuck with \(progress.status)")
            let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
            for (index, action) in transition.actions.enumerated() {
                #expect(action.after.allSatisfy { (position[$0] ?? .max) < (position[index] ?? .min) })
            }
        }
    }
}
