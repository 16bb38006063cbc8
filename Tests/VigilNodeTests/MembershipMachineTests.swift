import PropertyBased
import Testing
import VigilNode
import VigilCluster

@Suite("MembershipMachine")
struct MembershipMachineTests {
    /// A 3 s TTL renewed every second (round numbers for the schedules below).
    let policy = MembershipPolicy(ttl: .seconds(3), renewInterval: .seconds(1))

    @Test func defaultsFollowTheTTL() {
        let defaults = MembershipPolicy(ttl: .seconds(3))
        #expect(defaults.renewInterval == .milliseconds(375))
        #expect(defaults.safetyMargin == .milliseconds(750))
        #expect(defaults.retryInterval == .milliseconds(375))
        #expect(policy.retryInterval == .milliseconds(500))
        #expect(MembershipPolicy(ttl: .seconds(1)).safetyMargin == .milliseconds(500))
        #expect(MembershipPolicy(ttl: .seconds(1)).renewInterval == .milliseconds(125))
        // At a 2 s TTL an etcd leader election (1 s by default) fits between the last
        // confirmed renewal and the self-fence deadline with room to spare.
        let two = MembershipPolicy(ttl: .seconds(2))
        #expect(two.ttl - two.safetyMargin - two.renewInterval == .milliseconds(1250))
        #expect(policy.fenceDeadline(sentAt: .seconds(10), ttl: .seconds(3)) == .milliseconds(12_250))
    }

    @Test func joinsThenRenewsOnSchedule() {
        var machine = MembershipMachine(policy: policy)
        do {
            let result = machine.tick(now: .zero)
            #expect(result == [.join])
        }
        machine.attemptSent(at: .zero)
        do {
            let result = machine.tick(now: .milliseconds(10))
            #expect(result == [])
        }
        do {
            let result = machine.joined(lease: 7, ttl: .seconds(3), sentAt: .zero)
            #expect(result)
        }
        #expect(machine.phase == .member(lease: 7))
        #expect(machine.fenceDeadline == .milliseconds(2250))
        do {
            let result = machine.tick(now: .milliseconds(999))
            #expect(result == [])
        }
        #expect(machine.nextWakeup == .seconds(1))
        do {
            let result = machine.tick(now: .seconds(1))
            #expect(result == [.sendKeepAlive(lease: 7)])
        }
        machine.attemptSent(at: .seconds(1))
        machine.renewalConfirmed(lease: 7, sentAt: .seconds(1), ttl: .seconds(3))
        #expect(machine.fenceDeadline == .milliseconds(3250))
        #expect(machine.nextWakeup == .seconds(2))
    }

    @Test func fencesAtTheDeadlineFromTheSendTimeThenRejoinsWithANewLease() {
        var machine = MembershipMachine(policy: policy)
        machine.attemptSent(at: .zero)
        do {
            let result = machine.joined(lease: 7, ttl: .seconds(3), sentAt: .zero)
            #expect(result)
        }
        machine.attemptSent(at: .seconds(1))
        machine.attemptFailed()
        do {
            let result = machine.tick(now: .milliseconds(2249))
            #expect(result == [.sendKeepAlive(lease: 7)])
        }
        machine.attemptSent(at: .milliseconds(2249))
        // A confirmation sent at 2.249 s arrives after the deadline: too late.
        do {
            let result = machine.tick(now: .milliseconds(2250))
            #expect(result == [.selfFence(lease: 7)])
        }
        machine.renewalConfirmed(lease: 7, sentAt: .milliseconds(2249), ttl: .seconds(3))
        #expect(machine.phase == .fenced)
        #expect(machine.lease == nil)
        do {
            let result = machine.tick(now: .milliseconds(2250))
            #expect(result == [.join])
        }
        machine.attemptSent(at: .milliseconds(2250))
        do {
            let result = machine.joined(lease: 7, ttl: .seconds(3), sentAt: .milliseconds(2250))
            #expect(!result)
        }
        do {
            let result = machine.joined(lease: 8, ttl: .seconds(3), sentAt: .milliseconds(2250))
            #expect(result)
        }
        #expect(machine.phase == .member(lease: 8))
    }

    @Test func leaseNotFoundFencesAtOnceOnlyForTheHeldLease() {
        var machine = MembershipMachine(policy: policy)
        machine.attemptSent(at: .zero)
        do {
            let result = machine.joined(lease: 7, ttl: .seconds(3), sentAt: .zero)
            #expect(result)
        }
        do {
            let result = machine.leaseNotFound(lease: 6, now: .milliseconds(100))
            #expect(result == [])
        }
        do {
            let result = machine.leaseNotFound(lease: 7, now: .milliseconds(100))
            #expect(result == [.selfFence(lease: 7)])
        }
        do {
            let result = machine.leaseNotFound(lease: 7, now: .milliseconds(100))
            #expect(result == [])
        }
        #expect(machine.retiredLeases == [7])
    }

    @Test func theDeadlineNeverMovesBackwards() {
        var machine = MembershipMachine(policy: policy)
        machine.attemptSent(at: .zero)
        do {
            let result = machine.joined(lease: 7, ttl: .seconds(3), sentAt: .zero)
            #expect(result)
        }
        machine.renewalConfirmed(lease: 7, sentAt: .seconds(2), ttl: .seconds(3))
        machine.renewalConfirmed(lease: 7, sentAt: .seconds(1), ttl: .seconds(3))
        #expect(machine.fenceDeadline == .milliseconds(4250))
    }

    @Test func leaveStopsEverything() {
        var machine = MembershipMachine(policy: policy)
        machine.attemptSent(at: .zero)
        do {
            let result = machine.joined(lease: 7, ttl: .seconds(3), sentAt: .zero)
            #expect(result)
        }
        do {
            let result = machine.leave()
            #expect(result == 7)
        }
        do {
            let result = machine.tick(now: .seconds(100))
            #expect(result == [])
        }
        #expect(machine.nextWakeup == nil)
        do {
            let result = machine.joined(lease: 8, ttl: .seconds(3), sentAt: .seconds(100))
            #expect(!result)
        }
    }

    /// Random loss, delays (up to longer than the TTL) and lease extensions by the store:
    /// the agent is never a member of a lease the store has expired, fences strictly
    /// before expiry, never re-joins with a retired lease; on a lossless network whose round
    /// trips fit the renewal budget it joins and never fences.
    @Test func neverHoldsAnExpiredLease() async {
        await propertyCheck(count: 250, input: Gen.int(in: 0...1_000_000_000)) { seed in
            var simulation = MembershipSimulation(seed: seed)
            simulation.run(until: .seconds(60))
            #expect(simulation.violations.isEmpty, "seed \(seed): \(simulation.violations.prefix(3))")
            #expect(Set(simulation.joins).count == simulation.joins.count, "seed \(seed): a lease was joined twice")
            let policy = simulation.machine.policy
            // One renewal in flight at a time: the next is sent at the later of the renewal
            // interval and the previous answer, so a clean network never fences when both a
            // renewal interval plus a round trip and two round trips fit before the deadline.
            let roundTrip = Duration.milliseconds(2 * simulation.maxDelayMs)
            let window = policy.ttl - policy.safetyMargin
            if simulation.lossPercent == 0 && roundTrip + policy.renewInterval < window && roundTrip * 2 < window {
                #expect(simulation.fences.isEmpty, "seed \(seed): fenced on a clean network")
                #expect(simulation.machine.lease != nil, "seed \(seed)")
            }
            if simulation.lossPercent == 0 && .milliseconds(2 * simulation.maxDelayMs) < policy.ttl {
                #expect(!simulation.joins.isEmpty, "seed \(seed): never joined on a lossless network")
            }
        }
    }
}
