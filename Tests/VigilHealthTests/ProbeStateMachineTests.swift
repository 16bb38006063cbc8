import Testing
import VigilHealth

@Suite("rise/fall state machine")
struct ProbeStateMachineTests {
    @Test("rise passes make it healthy, fall failures unhealthy, the other kind resets the count")
    func riseFall() {
        var machine = ProbeStateMachine(rise: 2, fall: 3)
        #expect(machine.state == .unknown)
        #expect(machine.record(passed: true) == nil)
        #expect(machine.record(passed: true) == .healthy)
        #expect(machine.record(passed: true) == nil)
        #expect(machine.record(passed: false) == nil)
        #expect(machine.record(passed: false) == nil)
        #expect(machine.record(passed: true) == nil)  // resets the failure count
        #expect(machine.record(passed: false) == nil)
        #expect(machine.record(passed: false) == nil)
        #expect(machine.record(passed: false) == .unhealthy)
        #expect(machine.record(passed: false) == nil)
        #expect(machine.record(passed: true) == nil)
        #expect(machine.state == .unhealthy)
        #expect(machine.record(passed: true) == .healthy)
    }

    @Test("from unknown, fall failures make it unhealthy", arguments: [1, 2, 5])
    func initialFailures(fall: Int) {
        var machine = ProbeStateMachine(rise: 1, fall: fall)
        for _ in 1..<fall { #expect(machine.record(passed: false) == nil) }
        #expect(machine.record(passed: false) == .unhealthy)
    }

    @Test("counts below 1 are treated as 1")
    func clamped() {
        var machine = ProbeStateMachine(rise: 0, fall: -3)
        #expect(machine.record(passed: false) == .unhealthy)
        #expect(machine.record(passed: true) == .healthy)
    }

    @Test("combined health of a resource")
    func combined() {
        #expect(HealthState.combined([]) == .healthy)
        #expect(HealthState.combined([.healthy, .healthy]) == .healthy)
        #expect(HealthState.combined([.healthy, .unknown]) == .unknown)
        #expect(HealthState.combined([.unknown, .unhealthy, .healthy]) == .unhealthy)
    }
}
