/// The value of `nodes/<node>/admin`: the operator's settings for a node.
public struct NodeAdminRecord: Codable, Sendable, Hashable {
    /// Takes no resources (`vigil node standby`).
    public var standby: Bool
    /// Its resources are left alone (`vigil node maintenance`).
    public var maintenance: Bool

    /// Creates a record.
    public init(standby: Bool = false, maintenance: Bool = false) {
        self.standby = standby
        self.maintenance = maintenance
    }
}
