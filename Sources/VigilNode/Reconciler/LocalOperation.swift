public import VigilCluster
/// An operation the reconciler performs on a local resource.
public enum LocalOperation: String, Sendable, Hashable {
    /// Find out whether it runs (an OCF probe: a monitor with no interval).
    case probe
    /// Start it.
    case start
    /// Stop it.
    case stop
    /// Promote it.
    case promote
    /// Demote it.
    case demote
    /// Run a clone notification (`notify`): the state does not change
    /// (``Reconciler`` finishes it apart from the other operations).
    case notify

    /// What to do to bring a resource in `state` to the assigned `role`; nil when nothing
    /// is to be done now (already there, or failed: the coordinator decides the recovery).
    public static func next(toward role: AssignedRole, from state: ResourceStatusState) -> LocalOperation? {
        switch (role, state) {
        case (.stopped, .stopped): nil
        case (.stopped, _): .stop
        case (_, .failed): nil
        case (.started, .stopped), (.promoted, .stopped): .start
        case (.started, .promoted): .demote
        case (.promoted, .started), (.promoted, .unpromoted): .promote
        default: nil
        }
    }
}
