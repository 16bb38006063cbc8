import Synchronization

/// Numbers this process's leadership sessions, so that two calls of one process have
/// candidate keys of their own (and a simulation replays the same keys).
final class SessionNumbers: Sendable {
    private let next = Mutex(0)

    func take() -> Int {
        next.withLock { value in
            value += 1
            return value
        }
    }
}
