import Synchronization
import VigilAgents

/// The simulation's watchdog device of one host incarnation: armed by the agent, fed on
/// the test clock; ``expired(now:)`` tells the driver when it would reset the host.
final class SimWatchdog: Watchdog {
    private struct State {
        var armed = false
        var lastFeed: Duration = .zero
        var hung = false
    }

    let timeout: Duration
    private let clock: TestClock
    private let state = Mutex(State())

    init(timeout: Duration, clock: TestClock) {
        self.timeout = timeout
        self.clock = clock
    }

    /// Arms it (the agent opened the device).
    func open() -> SimWatchdog {
        let now = clock.now.offset
        state.withLock {
            $0.armed = true
            $0.lastFeed = now
        }
        return self
    }

    @discardableResult
    func feed() -> Bool {
        let now = clock.now.offset
        state.withLock { if !$0.hung { $0.lastFeed = now } }
        return true
    }

    func disarm() { state.withLock { if !$0.hung { $0.armed = false } } }

    /// The agent hangs: nothing it does reaches the device any more (the simulation ends
    /// a hung agent by cancelling its task, which would otherwise disarm on the way out).
    func hang() { state.withLock { $0.hung = true } }

    func abandon() {}

    /// Whether it is armed and has not been fed for longer than its timeout at `now`
    /// (then it disarms: the host it guarded is reset).
    func expired(now: Duration) -> Bool {
        state.withLock { state in
            guard state.armed, now - state.lastFeed > timeout else { return false }
            state.armed = false
            return true
        }
    }
}
