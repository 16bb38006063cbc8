/// The state of a resource on a node as its agent reports it (`vigil status`).
public enum ResourceStatusState: String, Codable, Sendable, Hashable, CaseIterable {
    /// Running.
    case started
    /// Running promoted.
    case promoted
    /// Running unpromoted.
    case unpromoted
    /// Not running.
    case stopped
    /// Failed (an action or monitor failed); waits for the coordinator to recover it.
    case failed
    /// Being started (or promoted).
    case starting
    /// Being stopped (or demoted).
    case stopping

    /// Whether the instance may be running (anything but stopped).
    public var isActive: Bool { self != .stopped }

    /// Whether the state is settled against `role`: the agent has done what was asked.
    public func satisfies(_ role: AssignedRole, promotable: Bool) -> Bool {
        switch (role, self) {
        case (.stopped, .stopped): true
        case (.started, .started): !promotable
        case (.started, .unpromoted): promotable
        case (.promoted, .promoted): true
        default: false
        }
    }
}
