import VigilCluster
public import NIOCore
import NIOPosix
import Synchronization

/// The continuous clock, with its sleeps timed by a SwiftNIO event loop.
///
/// Why: an idle agent sleeps about fifteen times a second (lease renewals and the deadline
/// each is raced against, watchdog feeds, the coordinator tick, monitors). On Linux each
/// `Task.sleep` arms a libdispatch timer through dispatch's manager thread, which wakes to
/// arm it and again when it fires — measured with `perf` on an idle agent, a quarter of its
/// thread switches. An event loop's timers are kept in the loop's own `epoll_wait`, on a
/// thread that wakes for the agent's network I/O anyway; a sleep's end then costs the one
/// wake-up of the task it resumes. Time itself is the continuous clock's: deadlines computed
/// with either clock agree.
public struct EventLoopClock: Clock {
    /// The continuous clock's instants.
    public typealias Instant = ContinuousClock.Instant

    private let loop: any EventLoop

    /// A clock whose sleeps are timed on one of SwiftNIO's shared event loops, which the
    /// agent's HTTP server and etcd client use too.
    public init() {
        self.loop = MultiThreadedEventLoopGroup.singleton.next()
    }

    /// A clock whose sleeps are timed on `loop`.
    public init(loop: any EventLoop) {
        self.loop = loop
    }

    /// Now, on the continuous clock.
    public var now: Instant { ContinuousClock.now }

    /// The continuous clock's resolution.
    public var minimumResolution: Duration { ContinuousClock().minimumResolution }

    /// Sleeps until `deadline`; throws `CancellationError` at once when the task is
    /// cancelled (as `Task.sleep` does). The tolerance is not used.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let delay = ContinuousClock.now.duration(to: deadline)
        guard delay > .zero else { return }
        let (seconds, attoseconds) = delay.components
        let nanoseconds = max(seconds * 1_000_000_000 + attoseconds / 1_000_000_000, 1)
        let sleeper = Sleeper()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard sleeper.wait(continuation) else { return }
                // The timer resumes the task itself: no future, no callback hop.
                let timer = loop.scheduleTask(in: .nanoseconds(nanoseconds)) { sleeper.wake(nil) }
                sleeper.armed(timer)
            }
        } onCancel: {
            sleeper.wake(CancellationError())
        }
    }
}

/// One sleep's continuation and timer, woken once: by the timer or by cancellation.
private final class Sleeper: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, any Error>?
        var timer: Scheduled<Void>?
        var woken = false
    }

    private let state = Mutex(State())

    /// Keeps `continuation` to resume; false (after resuming it) when already cancelled.
    func wait(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
        let cancelled = state.withLock { state -> Bool in
            if state.woken { return true }
            state.continuation = continuation
            return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    /// Records the timer, cancelling it when the sleep already ended.
    func armed(_ timer: Scheduled<Void>) {
        let ended = state.withLock { state -> Bool in
            if state.woken { return true }
            state.timer = timer
            return false
        }
        if ended { timer.cancel() }
    }

    /// Ends the sleep (with `error` when cancelled); later calls do nothing.
    func wake(_ error: (any Error)?) {
        let (continuation, timer) = state.withLock { state -> (CheckedContinuation<Void, any Error>?, Scheduled<Void>?) in
            state.woken = true
            defer {
                state.continuation = nil
                state.timer = nil
            }
            return (state.continuation, state.timer)
        }
        if error != nil { timer?.cancel() }
        if let error { continuation?.resume(throwing: error) } else { continuation?.resume() }
    }
}
