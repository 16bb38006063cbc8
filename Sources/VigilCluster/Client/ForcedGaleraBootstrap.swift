/// What `ClusterClient.forceGaleraBootstrap` wrote (`vigil galera bootstrap NODE --force`).
public struct ForcedGaleraBootstrap: Sendable, Hashable {
    /// The Galera resource.
    public var resource: String
    /// The record written at `galera/<resource>/bootstrap` (and `last-bootstrap`).
    public var record: GaleraBootstrapRecord
    /// Whether the record's uuid and seqno are the node's position now: the one its agent
    /// recovered after its instance last stopped. False when it published none (uuid of
    /// zeros, seqno -1) or crashed since (the seqno is from before its last start).
    public var positionKnown: Bool
    /// Every Galera node of the resource as it was when the record was written, the chosen
    /// one included: what the others held that the new cluster may not have.
    public var nodes: [String: GaleraResourceStatus.Node]
    /// The revision the record was written at.
    public var revision: Int64

    /// Creates a result.
    public init(
        resource: String, record: GaleraBootstrapRecord, positionKnown: Bool, nodes: [String: GaleraResourceStatus.Node],
        revision: Int64
    ) {
        self.resource = resource
        self.record = record
        self.positionKnown = positionKnown
        self.nodes = nodes
        self.revision = revision
    }
}
