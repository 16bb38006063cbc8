import Synchronization

/// A one-shot wake-up for a memory watch waiting for the next write; resumed by the store
/// on a change, or by task cancellation.
final class WatchWaiter: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Void, Never>)
        case signalled
    }

    private let state = Mutex<State>(.idle)

    /// Wakes the waiter (now, or as soon as it waits).
    func signal() {
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
            switch state {
            case .idle:
                state = .signalled
                return nil
            case .waiting(let c):
                state = .signalled
                return c
            case .signalled:
                return nil
            }
        }
        continuation?.resume()
    }

    /// Suspends until signalled or until the task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    switch state {
                    case .idle:
                        state = .waiting(continuation)
                        return false
                    case .waiting, .signalled:
                        return true
                    }
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            signal()
        }
    }
}
