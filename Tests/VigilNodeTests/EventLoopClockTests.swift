import Testing
import VigilNode
import VigilCluster

/// The agent's clock: the continuous clock's time, sleeps timed by a SwiftNIO event loop.
@Suite struct EventLoopClockTests {
    @Test func sleepsAtLeastAsLongAsAsked() async throws {
        let clock = EventLoopClock()
        for wanted in [Duration.milliseconds(20), .milliseconds(120)] {
            let start = ContinuousClock.now
            try await clock.sleep(for: wanted)
            let slept = ContinuousClock.now - start
            #expect(slept >= wanted, "slept \(slept) of \(wanted)")
        }
        // A deadline already past returns at once.
        let start = clock.now
        try await clock.sleep(until: start.advanced(by: .seconds(-1)), tolerance: nil)
        #expect(clock.now - start < .seconds(1))
    }

    @Test func cancellationEndsASleepAtOnce() async throws {
        let clock = EventLoopClock()
        let sleeper = Task { () -> Bool in
            do {
                try await clock.sleep(for: .seconds(60))
                return false
            } catch is CancellationError {
                return true
            } catch {
                return false
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        let cancelledAt = ContinuousClock.now
        sleeper.cancel()
        #expect(await sleeper.value, "the sleep ended with CancellationError")
        #expect(ContinuousClock.now - cancelledAt < .seconds(5))
        // A task cancelled before it sleeps does not sleep.
        let early = Task { () -> Bool in
            withUnsafeCurrentTask { $0?.cancel() }
            return (try? await clock.sleep(for: .seconds(60))) == nil
        }
        #expect(await early.value)
    }
}
