/// The execution state of a transition: which actions may be handed out now.
///
/// An action is ready when every action it waits for has succeeded and it has not been
/// started. When an action fails, nothing that (transitively) waits for it will become
/// ready; the caller re-plans from the new state, as Pacemaker aborts a transition.
public struct TransitionProgress: Sendable, Hashable {
    /// Where one action stands.
    public enum Status: Sendable, Hashable {
        /// Not started.
        case pending
        /// Handed out, not finished.
        case running
        /// Finished successfully.
        case succeeded
        /// Finished with an error (or timed out).
        case failed
    }

    /// The transition being carried out.
    public let transition: Transition
    /// The status of each action, by index.
    public private(set) var status: [Status]

    /// Starts tracking `transition`, every action pending.
    public init(_ transition: Transition) {
        self.transition = transition
        self.status = Array(repeating: .pending, count: transition.actions.count)
    }

    /// Pending actions whose predecessors have all succeeded, in transition order.
    public var ready: [Int] {
        transition.actions.indices.filter { index in
            status[index] == .pending && transition.actions[index].after.allSatisfy { status[$0] == .succeeded }
        }
    }

    /// Marks an action handed out. Only a ready action may be started.
    /// - Returns: false (and changes nothing) when the action is not ready.
    @discardableResult
    public mutating func start(_ index: Int) -> Bool {
        guard status.indices.contains(index), ready.contains(index) else { return false }
        status[index] = .running
        return true
    }

    /// Records the outcome of a running action.
    /// - Returns: false (and changes nothing) when the action was not running.
    @discardableResult
    public mutating func finish(_ index: Int, succeeded: Bool) -> Bool {
        guard status.indices.contains(index), status[index] == .running else { return false }
        status[index] = succeeded ? .succeeded : .failed
        return true
    }

    /// Whether any action failed: the transition will not complete and should be re-planned
    /// once the running actions have finished.
    public var hasFailed: Bool { status.contains(.failed) }

    /// Whether nothing is running and nothing more can start.
    public var isSettled: Bool { !status.contains(.running) && ready.isEmpty }

    /// Whether every action succeeded.
    public var isComplete: Bool { status.allSatisfy { $0 == .succeeded } }
}
