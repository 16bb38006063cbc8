import Synchronization

/// A process's view of the test clock that can be frozen, like a process under SIGSTOP:
/// time goes on (``now`` is the base clock's), but no sleep of this process returns while
/// it is paused; on ``resume()`` every sleep that came due meanwhile returns at once.
final class PausableClock: Clock, Sendable {
    typealias Instant = TestClock.Instant

    private struct State {
        var paused = false
        var waiting: [Int: CheckedContinuation<Void, any Error>] = [:]
        var nextID = 0
    }

    let base: TestClock
    private let state = Mutex(State())

    init(_ base: TestClock) {
        self.base = base
    }

    var now: Instant { base.now }
    var minimumResolution: Duration { .zero }

    var isPaused: Bool { state.withLock { $0.paused } }

    func pause() {
        state.withLock { $0.paused = true }
    }

    func resume() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.paused = false
            defer { state.waiting = [:] }
            return state.waiting.sorted { $0.key < $1.key }.map(\.value)
        }
        for continuation in waiting { continuation.resume() }
    }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await base.sleep(until: deadline, tolerance: tolerance)
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.paused || Task.isCancelled { return true }
                    state.waiting[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiting.removeValue(forKey: id) }
            continuation?.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}
