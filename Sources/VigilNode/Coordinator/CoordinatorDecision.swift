public import VigilCluster
public import VigilScheduler

/// What the coordinator should do after looking at the cluster once.
public struct CoordinatorDecision: Sendable, Hashable {
    /// Resource → the assignment record to write (only records that change).
    public var writes: [String: AssignmentRecord] = [:]
    /// Resource → the clone notification record to write (``NotificationGate``).
    public var notifications: [String: NotificationRecord] = [:]
    /// The transition planned, when nothing was in flight.
    public var transition: Transition?
    /// What the coordinator waits for before planning (`start web on n2`, `n3 probing`).
    public var waitingFor: [String] = []
    /// Lost nodes to fence (`fencing: devices`), by node name; their resources wait for it.
    public var fences: [FenceOrder] = []

    /// An empty decision.
    public init() {}
}
