/// The value of `galera/<resource>/bootstrap`: the node chosen to form (or make Primary
/// again) the Galera cluster, written by the coordinator — or by an operator with
/// `vigil galera bootstrap NODE --force` — and deleted once a Primary component exists.
public struct GaleraBootstrapRecord: Codable, Sendable, Hashable {
    /// How the chosen node becomes Primary.
    public enum Mode: String, Codable, Sendable, Hashable {
        /// A stopped node starts with `--wsrep-new-cluster`.
        case newCluster = "new-cluster"
        /// A running non-Primary survivor gets `pc.bootstrap=YES`.
        case pcBootstrap = "pc-bootstrap"
    }

    /// The chosen node.
    public var node: String
    /// How.
    public var mode: Mode
    /// The position it was chosen for (its start must be from exactly this position).
    public var uuid: String
    /// Its seqno.
    public var seqno: Int64
    /// When (RFC 3339).
    public var at: String
    /// Why this node (the positions compared).
    public var reason: String
    /// An operator override that skipped the safety rules.
    public var forced: Bool
    /// Who wrote it (`coordinator <node>`, or the operator's user and host).
    public var by: String

    /// Creates a record.
    public init(node: String, mode: Mode, uuid: String, seqno: Int64, at: String, reason: String, forced: Bool = false, by: String) {
        self.node = node
        self.mode = mode
        self.uuid = uuid
        self.seqno = seqno
        self.at = at
        self.reason = reason
        self.forced = forced
        self.by = by
    }
}
