/// A running Galera node's state as its agent reports it in `status/<node>/<resource>`.
public struct GaleraInstanceStatus: Codable, Sendable, Hashable {
    /// `Synced`, `Donor`, `Joiner`, `Joined`, `Initialized` or `non-Primary`.
    public var state: String
    /// In the Primary component.
    public var primary: Bool
    /// Synced (state 4) and ready.
    public var synced: Bool
    /// A donor that still serves.
    public var donor: Bool
    /// `wsrep_cluster_size`.
    public var size: Int
    /// `wsrep_last_committed` when reported (it moves with every write: refreshed when the
    /// state changes, and while non-Primary, when it decides who is most advanced).
    public var seqno: Int64
    /// `wsrep_cluster_state_uuid`.
    public var uuid: String

    /// Creates a status.
    public init(state: String, primary: Bool, synced: Bool, donor: Bool, size: Int, seqno: Int64, uuid: String) {
        self.state = state
        self.primary = primary
        self.synced = synced
        self.donor = donor
        self.size = size
        self.seqno = seqno
        self.uuid = uuid
    }
}
