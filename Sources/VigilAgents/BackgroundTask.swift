import Synchronization

/// The one task an executor keeps running after an action returned (the VIP's
/// announcements): replacing it cancels the previous one, so it never outlives the next
/// action on the same resource, and nothing runs without an owner.
final class BackgroundTask: Sendable {
    private let current = Mutex<Task<Void, Never>?>(nil)

    /// Makes `task` the running one (nil: none), cancelling the one before.
    func replace(_ task: Task<Void, Never>?) {
        let previous = current.withLock { slot in
            let previous = slot
            slot = task
            return previous
        }
        previous?.cancel()
    }

    deinit {
        current.withLock { $0?.cancel() }
    }
}
