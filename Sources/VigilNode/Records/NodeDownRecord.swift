/// The value of `nodes/<node>/down`: how a node's last incarnation ended, when that is
/// known to have left nothing running.
///
/// Written by the agent itself at the end of a graceful leave (every resource stopped), or
/// by the coordinator once a fence device has fenced the node. With `fencing: devices`, a
/// node whose incarnation holds assignments but is neither a member nor recorded here is
/// *unclean*: it may still run what it was assigned, and its resources wait for a fence.
public struct NodeDownRecord: Codable, Sendable, Hashable {
    /// How the incarnation ended.
    public enum Reason: String, Codable, Sendable, Hashable {
        /// A graceful leave that stopped every resource.
        case left
        /// Fenced by a fence device.
        case fenced
    }

    /// The incarnation that ended (the create revision of its `members/<node>` key).
    public var member: Int64
    /// How it ended.
    public var reason: Reason
    /// When (RFC 3339).
    public var at: String
    /// Who wrote it: the node itself, or the coordinator that fenced it, and the device.
    public var by: String

    /// Creates a record.
    public init(member: Int64, reason: Reason, at: String, by: String) {
        self.member = member
        self.reason = reason
        self.at = at
        self.by = by
    }
}
