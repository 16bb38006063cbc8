/// What the coordinator wants of one resource on one node.
public enum AssignedRole: String, Codable, Sendable, Hashable, CaseIterable {
    /// Not running.
    case stopped
    /// Running (a promotable: running unpromoted).
    case started
    /// Running promoted.
    case promoted
}
