/// The value of `nodes/<node>/down`: how a node's last incarnation ended, when that is
/// known to have left nothing running.
///
/// Written by the agent itself at the end of a graceful leave (every resource stopped) or
/// once it can report a self-fence whose stops were all confirmed, by the coordinator once
/// a fence device has fenced the node or its watchdog timeout has passed after its lease
/// expired, or by an operator (`vigil node confirm-down`). Unless fencing is `disabled`, a
/// node whose incarnation holds assignments but is neither a member nor recorded here is
/// *unclean*: it may still run what it was assigned, and its resources wait.
public struct NodeDownRecord: Codable, Sendable, Hashable {
    /// How the incarnation ended.
    public enum Reason: String, Codable, Sendable, Hashable {
        /// A graceful leave that stopped every resource.
        case left
        /// Fenced by a fence device.
        case fenced
        /// The node fenced itself and confirmed every stop (reported when it could reach
        /// the store again).
        case selfFenced = "self-fenced"
        /// Its lease expired and its watchdog timeout passed since (the watchdog has reset
        /// it if it still ran anything exclusive).
        case watchdog
        /// An operator said it is down (`vigil node confirm-down`).
        case confirmed
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
