import VigilCluster
/// Failcount increments of one resource that the store refused (unreachable, a full disk),
/// kept by the reconciler and retried (``Reconciler/retryWrites()``) so that no failure is
/// lost.
struct PendingFailcount: Sendable, Hashable {
    /// Failures not yet counted.
    var failures: Int
    /// Whether one of them was fatal (the count becomes INFINITY).
    var fatal: Bool
    /// When the latest happened (RFC 3339): the record a landed write leaves carries it.
    var lastFailure: String
    /// A write of these failures failed in a way that may still have applied it (a
    /// timeout): a record carrying ``lastFailure`` then means it landed.
    var attempted = false
}
