import VigilCluster
/// A node the coordinator must fence before what ran there can be recovered.
public struct FenceOrder: Sendable, Hashable {
    /// The node.
    public var node: String
    /// Its lost incarnation (written to `nodes/<node>/down` once fenced).
    public var member: Int64

    /// Creates an order.
    public init(node: String, member: Int64) {
        self.node = node
        self.member = member
    }
}
