import VigilCluster
/// Which incarnation of the node's agent the reconciler acts for: it writes status under
/// `lease`, guarded by the member key's create revision `incarnation`, and acts only on
/// assignment entries for that incarnation.
public struct ReconcilerIdentity: Sendable, Hashable {
    /// The member lease.
    public var lease: Int64
    /// The create revision of `members/<node>`.
    public var incarnation: Int64

    /// Creates an identity.
    public init(lease: Int64, incarnation: Int64) {
        self.lease = lease
        self.incarnation = incarnation
    }
}
