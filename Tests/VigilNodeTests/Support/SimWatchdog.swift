import Synchronization
import VigilAgents

/// The simulation's watchdog device of one host: armed by an agent, fed on the test
/// clock; ``expired(now:)`` tells the driver when it resets the host. Each agent reaches it
/// through a ``Handle`` of its own, which the driver severs when that agent hangs or
/// crashes (a dead agent can neither feed nor disarm it; its successor opens a new handle).
final class SimWatchdog: Sendable {
    private struct State {
        var armed = false
        var lastFeed: Duration = .zero
    }

    /// One agent's open file on the device.
    final class Handle: Watchdog {
        let device: SimWatchdog
        private let severed = Mutex(false)
        var timeout: Duration { device.timeout }

        init(device: SimWatchdog) { self.device = device }

        /// Nothing this agent does reaches the device any more.
        func sever() { severed.withLock { $0 = true } }

        @discardableResult
        func feed() -> Bool {
            guard !severed.withLock({ $0 }) else { return false }
            device.feed()
            return true
        }

        func disarm() {
            guard !severed.withLock({ $0 }) else { return }
            device.disarm()
        }

        func abandon() {}
    }

    let timeout: Duration
    private let clock: TestClock
    private let state = Mutex(State())

    init(timeout: Duration, clock: TestClock) {
        self.timeout = timeout
        self.clock = clock
    }

    /// Opens (arms) the device for one agent.
    func open() -> Handle {
        feed()
        state.withLock { $0.armed = true }
        return Handle(device: self)
    }

    private func feed() {
        let now = clock.now.offset
        state.withLock { $0.lastFeed = now }
    }

    private func disarm() { state.withLock { $0.armed = false } }

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
