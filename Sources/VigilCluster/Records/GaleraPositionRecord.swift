/// The value of `galera/<resource>/positions/<node>`: the node's Galera position as its
/// agent last knew it. Not leased: it must outlive the node, since a node that is down
/// may still hold the most advanced data. Written when the instance is known stopped
/// (`running: false`, the recovered position) and, before every start, with
/// `running: true`: from then on the node may commit transactions this record does not
/// show, so its position is unknown until its agent recovers it again.
public struct GaleraPositionRecord: Codable, Sendable, Hashable {
    /// The cluster state UUID.
    public var uuid: String
    /// The last committed seqno (-1: none).
    public var seqno: Int64
    /// `safe_to_bootstrap: 1` in its `grastate.dat`.
    public var safeToBootstrap: Bool
    /// The datadir is empty.
    public var empty: Bool
    /// The instance may be running (a start began after this position was recovered).
    public var running: Bool
    /// When it was written (RFC 3339).
    public var since: String
    /// The mod revision of the bootstrap record this node started from (it is used once).
    public var bootstrapRevision: Int64?

    /// Creates a record.
    public init(
        uuid: String, seqno: Int64, safeToBootstrap: Bool, empty: Bool, running: Bool, since: String,
        bootstrapRevision: Int64? = nil
    ) {
        self.uuid = uuid
        self.seqno = seqno
        self.safeToBootstrap = safeToBootstrap
        self.empty = empty
        self.running = running
        self.since = since
        self.bootstrapRevision = bootstrapRevision
    }

    enum CodingKeys: String, CodingKey {
        case uuid, seqno, empty, running, since
        case safeToBootstrap = "safe-to-bootstrap"
        case bootstrapRevision = "bootstrap-revision"
    }
}
