/// The role of a promotable clone's instance, as used by constraints.
public enum Role: String, Sendable, Hashable, CaseIterable {
    /// The promoted instance (Pacemaker's "Promoted", formerly "Master").
    case promoted
    /// An instance that runs but is not promoted.
    case unpromoted
}

/// What the operator wants a resource to be (`target-role`).
public enum TargetRole: String, Sendable, Hashable, CaseIterable {
    /// Not running anywhere.
    case stopped
    /// Running (the default).
    case started
    /// Running, never promoted.
    case unpromoted
    /// Running and promoted where allowed (the default for promotables).
    case promoted
}

/// An action the scheduler can order on (`first-action`, `then-action`).
public enum ResourceAction: String, Sendable, Hashable, CaseIterable {
    /// Start an instance.
    case start
    /// Stop an instance.
    case stop
    /// Promote an instance.
    case promote
    /// Demote an instance.
    case demote

    /// The action that undoes this one (start ↔ stop, promote ↔ demote).
    public var inverse: ResourceAction {
        switch self {
        case .start: .stop
        case .stop: .start
        case .promote: .demote
        case .demote: .promote
        }
    }
}
