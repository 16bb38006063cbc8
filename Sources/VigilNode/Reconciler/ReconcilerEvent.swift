import VigilCluster
/// What the reconciler tells its owner (for metrics).
public enum ReconcilerEvent: Sendable, Hashable {
    /// An operation finished.
    case operation(resource: String, operation: LocalOperation, succeeded: Bool, duration: Duration)
    /// A running resource failed (monitor, process exit or health probe).
    case failure(resource: String, message: String)
    /// A failcount was written.
    case failcount(resource: String, count: Int)
}
