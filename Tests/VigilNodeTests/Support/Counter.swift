import Synchronization

/// A thread-safe counter for test doubles.
final class Counter: Sendable {
    private let value = Mutex(0)

    /// Adds one and returns the new count.
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }

    /// Subtracts one and returns the new count.
    func decrement() -> Int { value.withLock { $0 -= 1; return $0 } }

    /// The count.
    var count: Int { value.withLock { $0 } }
}
